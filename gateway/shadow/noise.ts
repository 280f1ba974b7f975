import { isCovered } from './json-diff.js'

/** Most noise paths kept per route (a route whose every field is noise has a bigger problem). */
export const MAX_NOISE_PATHS_PER_ROUTE = 200

/**
 * Noise learned by comparing the legacy app with itself (Diffy): a path whose value differs between two
 * answers of the legacy app to the same request is not the gateway's fault when it differs there too.
 * A path counts as noise once seen `minCount` times, so one probe straddling a write does not silence a
 * field for good; the counts are shared through the store (every instance learns from every other).
 */
export class NoiseModel {
  private readonly counts = new Map<string, Map<string, number>>()

  constructor(private readonly minCount: number) {}

  learn(route: string, keys: Iterable<string>): string[] {
    const learned: string[] = []
    const paths = this.routeCounts(route)
    for (const key of new Set(keys)) {
      if (!paths.has(key) && paths.size >= MAX_NOISE_PATHS_PER_ROUTE) continue
      paths.set(key, (paths.get(key) ?? 0) + 1)
      learned.push(key)
    }
    return learned
  }

  /** Counts read from the store (all instances): replaces what is known when higher. */
  absorb(route: string, counts: Record<string, number>): void {
    const paths = this.routeCounts(route)
    for (const [key, count] of Object.entries(counts)) if (count > (paths.get(key) ?? 0)) paths.set(key, count)
  }

  /** The noise paths in force for a route (seen at least `minCount` times). */
  paths(route: string): string[] {
    return [...(this.counts.get(route) ?? new Map<string, number>())].filter(([, count]) => count >= this.minCount).map(([key]) => key)
  }

  isNoise(route: string, path: string): boolean {
    return isCovered(path, this.paths(route))
  }

  snapshot(route: string): Record<string, number> {
    return Object.fromEntries(this.counts.get(route) ?? [])
  }

  private routeCounts(route: string): Map<string, number> {
    let paths = this.counts.get(route)
    if (!paths) this.counts.set(route, (paths = new Map()))
    return paths
  }
}
