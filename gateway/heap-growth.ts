import v8 from 'node:v8'

/**
 * How much V8 lets the old generation grow past what survived its last full collection before the next one.
 * V8's own factor reaches 4× on a mostly idle mutator, so a gateway whose live heap is ~25 MB kept ~100 MB of
 * promoted garbage (in-flight requests' data) between collections. `percent` (HEAP_GROWTH_PERCENT) caps the
 * factor at 1 + percent/100; 0 leaves V8's default. The flag is read at each full collection, so setting it
 * after start-up takes effect (docs/benchmarks.md, "Memory").
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`)
}
