import { describe, expect, it } from 'vitest'
import { DbAdmission } from '../../core/db-admission.js'
import { GatewayMetrics } from './metrics.js'

const deferred = () => {
  let resolve!: () => void
  const promise = new Promise<void>((r) => (resolve = r))
  return { promise, resolve }
}

/** The value of one sample line of the Prometheus text (`name{labels} value`). */
async function sample(metrics: GatewayMetrics, line: string): Promise<number | undefined> {
  const text = await metrics.registry.metrics()
  const found = text.split('\n').find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

describe('GatewayMetrics: the database admission', () => {
  it('reports in flight, queued and the limit when scraped, and counts waits and refusals', async () => {
    const metrics = new GatewayMetrics()
    const admission = new DbAdmission({ maxConcurrent: 2, maxQueued: 1, queueTimeoutMs: 10_000 }, metrics.dbAdmission)
    metrics.watchDbAdmission(admission)
    const gate = deferred()
    const runs = [admission.run(() => gate.promise, 'test'), admission.run(() => gate.promise, 'test'), admission.run(() => gate.promise, 'test')]
    await expect(admission.run(async () => undefined, 'test')).rejects.toMatchObject({ reason: 'queue-full' })

    expect(await sample(metrics, 'gateway_db_in_flight')).toBe(2)
    expect(await sample(metrics, 'gateway_db_queue_depth')).toBe(1)
    expect(await sample(metrics, 'gateway_db_concurrency_limit')).toBe(2)
    expect(await sample(metrics, 'gateway_db_rejections_total{reason="queue-full"}')).toBe(1)
    // Two admitted at once so far; the third is still waiting.
    expect(await sample(metrics, 'gateway_db_queue_wait_seconds_bucket{le="0"}')).toBe(2)

    gate.resolve()
    await Promise.all(runs)
    expect(await sample(metrics, 'gateway_db_in_flight')).toBe(0)
    expect(await sample(metrics, 'gateway_db_queue_depth')).toBe(0)
    expect(await sample(metrics, 'gateway_db_queue_wait_seconds_count')).toBe(3)
    expect(await sample(metrics, 'gateway_db_queue_wait_seconds_bucket{le="0"}')).toBe(2)
  })

  it('counts a wait that ran out as a queue-timeout refusal', async () => {
    const metrics = new GatewayMetrics()
    const admission = new DbAdmission({ maxConcurrent: 1, maxQueued: 5, queueTimeoutMs: 10 }, metrics.dbAdmission)
    const gate = deferred()
    const first = admission.run(() => gate.promise, 'test')
    await expect(admission.run(async () => undefined, 'test')).rejects.toMatchObject({ reason: 'queue-timeout' })
    gate.resolve()
    await first
    expect(await sample(metrics, 'gateway_db_rejections_total{reason="queue-timeout"}')).toBe(1)
    // Not watched: the gauges stay unset rather than reporting another admission's state.
    expect(await sample(metrics, 'gateway_db_in_flight')).toBe(0)
  })
})
