import type { Collection, Db } from 'mongodb'
import type { RouteOverride } from '../core/route-settings.js'

export const OVERRIDES_COLLECTION = 'gateway_route_overrides'
export const AUDIT_COLLECTION = 'gateway_route_audit'
/** Audit entries are kept this long (TTL index), and at most this many are listed. */
export const AUDIT_TTL_SECONDS = 90 * 24 * 60 * 60
export const AUDIT_LIST_LIMIT = 200

export type StoredOverride = { _id: string; override: RouteOverride; reason: string; by: string; at: Date }
export type AuditEntry = {
  route: string
  /** `set`/`clear`: the route's override; `schedule-*`: a person or tool acting on its progressive schedule. */
  action: 'set' | 'clear' | ScheduleAction
  from: RouteOverride | null
  to: RouteOverride | null
  reason: string
  by: string
  at: Date
  instance: string
}

export type ScheduleAction = 'schedule-start' | 'schedule-pause' | 'schedule-resume' | 'schedule-delete'

/**
 * Live route overrides, shared by every instance through the database they already have: one small document
 * per overridden route, and an audit document per change.
 */
export class RouteStateStore {
  private readonly overrides: Collection<StoredOverride>
  private readonly audit: Collection<AuditEntry>

  constructor(
    db: Db,
    private readonly instance: string,
  ) {
    this.overrides = db.collection<StoredOverride>(OVERRIDES_COLLECTION)
    this.audit = db.collection<AuditEntry>(AUDIT_COLLECTION)
  }

  async ensureIndexes(): Promise<void> {
    await this.audit.createIndex({ at: 1 }, { name: 'at_ttl', expireAfterSeconds: AUDIT_TTL_SECONDS })
    await this.audit.createIndex({ route: 1, at: -1 }, { name: 'route_at_desc' })
  }

  async load(): Promise<Map<string, StoredOverride>> {
    const docs = await this.overrides.find({}, { maxTimeMS: 2000 }).toArray()
    return new Map(docs.map((doc) => [doc._id, doc]))
  }

  /** Sets a route's live override (replacing the previous one) and records the change. */
  async set(route: string, override: RouteOverride, reason: string, by: string): Promise<StoredOverride> {
    const at = new Date()
    const before = await this.overrides.findOneAndReplace(
      { _id: route },
      { override, reason, by, at },
      { upsert: true, returnDocument: 'before', writeConcern: { w: 'majority' } },
    )
    await this.record({ route, action: 'set', from: before?.override ?? null, to: override, reason, by, at })
    return { _id: route, override, reason, by, at }
  }

  /**
   * The guards' rollback: sets the route's live override to `legacy` (keeping its other fields) unless it is
   * legacy already. Conditional, so when several processes see the same breach at once exactly one write
   * and one audit entry are made; the others get false.
   */
  async rollBack(route: string, reason: string, by = 'auto-rollback'): Promise<boolean> {
    const at = new Date()
    let before: StoredOverride | null
    try {
      before = await this.overrides.findOneAndUpdate(
        { _id: route, 'override.mode': { $ne: 'legacy' } },
        { $set: { 'override.mode': 'legacy', reason, by, at }, $unset: { 'override.canaryPercent': '' } },
        { upsert: true, returnDocument: 'before', writeConcern: { w: 'majority' } },
      )
    } catch (error) {
      // The upsert met the existing (already legacy) document: another process rolled it back first.
      if ((error as { code?: number }).code === 11000) return false
      throw error
    }
    const { canaryPercent: _dropped, ...kept } = before?.override ?? {}
    await this.record({ route, action: 'set', from: before?.override ?? null, to: { ...kept, mode: 'legacy' }, reason, by, at })
    return true
  }

  /** Removes a route's live override; false when there was none. */
  async clear(route: string, reason: string, by: string): Promise<boolean> {
    const before = await this.overrides.findOneAndDelete({ _id: route }, { writeConcern: { w: 'majority' } })
    if (!before) return false
    await this.record({ route, action: 'clear', from: before.override, to: null, reason, by, at: new Date() })
    return true
  }

  async history(route?: string, limit = AUDIT_LIST_LIMIT): Promise<AuditEntry[]> {
    return this.audit
      .find(route ? { route } : {}, { projection: { _id: 0 }, sort: { at: -1 }, limit: Math.min(limit, AUDIT_LIST_LIMIT), maxTimeMS: 2000 })
      .toArray()
  }

  /** An audit entry for an action on a route's schedule (the overrides the schedule writes are audited by `set`). */
  async noteSchedule(route: string, action: ScheduleAction, reason: string, by: string): Promise<void> {
    await this.record({ route, action, from: null, to: null, reason, by, at: new Date() })
  }

  private async record(entry: Omit<AuditEntry, 'instance'>): Promise<void> {
    await this.audit.insertOne({ ...entry, instance: this.instance }, { writeConcern: { w: 'majority' } })
  }
}
