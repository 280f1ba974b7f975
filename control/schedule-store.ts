import type { Collection, Db } from 'mongodb'
import type { ScheduleState, StoredSchedule } from './schedule.js'

export const SCHEDULES_COLLECTION = 'gateway_route_schedules'

/**
 * Progressive delivery schedules, one document per route, shared by every instance. Every change is
 * conditional on the document's `version`, so when several processes decide the same promotion at once
 * exactly one of them makes it.
 */
export class ScheduleStore {
  private readonly schedules: Collection<StoredSchedule>

  constructor(db: Db) {
    this.schedules = db.collection<StoredSchedule>(SCHEDULES_COLLECTION)
  }

  async load(): Promise<Map<string, StoredSchedule>> {
    const docs = await this.schedules.find({}, { maxTimeMS: 2000 }).toArray()
    return new Map(docs.map((doc) => [doc._id, doc]))
  }

  async get(route: string): Promise<StoredSchedule | null> {
    return this.schedules.findOne({ _id: route }, { maxTimeMS: 2000 })
  }

  /** Replaces the route's schedule with a new one starting at its first step. */
  async put(schedule: Omit<StoredSchedule, 'version'>): Promise<StoredSchedule> {
    const before = await this.schedules.findOne({ _id: schedule._id })
    const stored = { ...schedule, version: (before?.version ?? 0) + 1 }
    await this.schedules.replaceOne({ _id: schedule._id }, stored, { upsert: true, writeConcern: { w: 'majority' } })
    return stored
  }

  /** Moves from `from.step` to the next step; false when another writer changed the schedule first. */
  async promote(from: StoredSchedule, since: Date): Promise<boolean> {
    const step = from.step + 1
    const state: ScheduleState = step === from.steps.length - 1 ? 'done' : 'running'
    const result = await this.schedules.updateOne(
      { _id: from._id, version: from.version, state: 'running' },
      { $set: { step, since, state }, $inc: { version: 1 } },
      { writeConcern: { w: 'majority' } },
    )
    return result.modifiedCount === 1
  }

  /** Sets the state when the schedule is in one of `from` states; false otherwise (or when absent). */
  async transition(route: string, from: readonly ScheduleState[], state: ScheduleState, extra: Partial<StoredSchedule> = {}): Promise<StoredSchedule | null> {
    return this.schedules.findOneAndUpdate(
      { _id: route, state: { $in: [...from] } },
      { $set: { state, ...extra }, $inc: { version: 1 } },
      { returnDocument: 'after', writeConcern: { w: 'majority' } },
    )
  }

  async remove(route: string): Promise<boolean> {
    return (await this.schedules.deleteOne({ _id: route }, { writeConcern: { w: 'majority' } })).deletedCount === 1
  }
}
