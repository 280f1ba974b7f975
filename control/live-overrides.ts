import type { Logger } from '../core/logger.js'
import type { RouteOverride, RouteSettings } from '../core/route-settings.js'
import type { RouteStateStore, StoredOverride } from './route-state-store.js'

export type LiveStatus = {
  /** When the live layer was last read successfully (null: never yet). */
  refreshedAt: Date | null
  /** The last read's error while the store is unreachable; the last known state stays in force. */
  error: string | null
  overrides: ReadonlyMap<string, StoredOverride>
  /** When this process started applying each route's current live state (its override or its clearing). */
  appliedAt: ReadonlyMap<string, Date>
}

/**
 * Keeps the live layer of the route settings in step with the shared store: read at start and every
 * `intervalMs`, applied between requests (a reference swap), never awaited by a request. When the store is
 * unreachable the last known state stays in force and `status().error` says so.
 */
export class LiveOverrides {
  private current: Map<string, StoredOverride> = new Map()
  private refreshedAt: Date | null = null
  private error: string | null = null
  private timer: NodeJS.Timeout | undefined
  private running: Promise<void> | undefined
  private readonly warned = new Set<string>()
  private readonly appliedAt = new Map<string, Date>()

  constructor(
    private readonly store: RouteStateStore,
    private readonly settings: RouteSettings,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    /** Problems this version sees in a stored override (written by another version, say); such overrides are skipped. */
    private readonly problemsOf: (route: string, override: RouteOverride) => string[] = () => [],
  ) {}

  start(): void {
    void this.refresh()
    this.timer = setInterval(() => void this.refresh(), this.intervalMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** A read when the last one is older than the interval (a frozen serverless instance thaws late); never awaited. */
  refreshIfStale(): void {
    if (!this.running && (this.refreshedAt === null || Date.now() - this.refreshedAt.getTime() > this.intervalMs)) void this.refresh()
  }

  /** One read of the store (concurrent calls share it). */
  refresh(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = undefined))
    return this.running
  }

  /** Applies a change made here at once (other instances follow on their next read). */
  applyLocally(route: string, stored: StoredOverride | undefined): void {
    const next = new Map(this.current)
    if (stored) next.set(route, stored)
    else next.delete(route)
    this.apply(next)
  }

  status(): LiveStatus {
    return { refreshedAt: this.refreshedAt, error: this.error, overrides: this.current, appliedAt: this.appliedAt }
  }

  private async read(): Promise<void> {
    try {
      const loaded = await this.store.load()
      if (this.error) this.logger.info({ staleSinceError: this.error }, 'route state store reachable again')
      this.error = null
      this.refreshedAt = new Date()
      this.apply(loaded)
    } catch (error) {
      const message = (error as Error).message
      if (!this.error) this.logger.warn({ err: error }, 'route state store unreachable: keeping the last known live overrides')
      this.error = message
    }
  }

  private apply(next: Map<string, StoredOverride>): void {
    const known = new Set(this.settings.declarations.map((route) => route.name))
    const layer: Record<string, RouteOverride> = {}
    for (const [name, stored] of next) {
      // An override for a route this version does not declare (a newer or older deployment wrote it) is ignored.
      if (!known.has(name)) continue
      const problems = this.problemsOf(name, stored.override)
      if (problems.length > 0) {
        const key = `${name}@${stored.at.toISOString()}`
        if (!this.warned.has(key)) this.logger.warn({ route: name, problems }, 'live override ignored: invalid for this version')
        this.warned.add(key)
        continue
      }
      layer[name] = stored.override
    }
    const now = new Date()
    for (const name of new Set([...this.current.keys(), ...next.keys()])) {
      if (this.current.get(name)?.at.getTime() !== next.get(name)?.at.getTime()) this.appliedAt.set(name, now)
    }
    this.current = next
    this.settings.setLive(layer)
  }
}
