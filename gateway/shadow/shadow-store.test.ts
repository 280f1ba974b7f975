import { describe, expect, it } from 'vitest'
import { decodeField, encodeField, type CounterDoc } from './bucket-counters.js'
import { summarize, type ShadowSampleDoc } from './shadow-store.js'

const doc = (minute: number, counts: Record<string, unknown>): CounterDoc => ({ _id: `r|${minute}`, route: 'r', bucket: new Date(minute * 60_000), counts })

describe('shadow store', () => {
  it('encodes JSON paths into MongoDB field names and back', () => {
    for (const name of ['itens.*.nome', '$weird%key', 'a%2Eb']) expect(decodeField(encodeField(name))).toBe(name)
    expect(encodeField('a.b$')).not.toMatch(/[.$]/)
  })

  it('sums every instance’s counters and lists paths with examples from the samples', () => {
    const sample: ShadowSampleDoc = {
      route: 'r', at: new Date(120_000), instance: 'b', requestId: 'req-1', method: 'GET', target: '/x', result: 'mismatch', rechecked: true,
      differences: [{ path: 'itens.0.q', key: 'itens.*.q', legacy: '1', gateway: '2' }],
      legacy: { status: 200, body: '{}' }, gateway: { status: 200, body: '{}' },
    }
    const report = summarize(
      [
        doc(1, { result: { match: 3, race: 1 }, latencyLegacy: { '2': 3 }, latencyGateway: { '1': 3 } }),
        doc(2, { result: { match: 1, mismatch: 1 }, path: { [encodeField('itens.*.q')]: 1 }, noise: { agora: 2 }, other: { noiseProbes: 2, errorsGateway: 1 }, latencyLegacy: { '5': 1 } }),
      ],
      [sample],
      5,
    )
    expect(report.counts).toEqual({ match: 4, race: 1, mismatch: 1 })
    expect(report.compared).toBe(5)
    expect(report.matchRate).toBe(0.8)
    expect(report.paths).toEqual([{ path: 'itens.*.q', count: 1, examples: [{ legacy: '1', gateway: '2', requestId: 'req-1', at: sample.at.toISOString() }] }])
    expect(report.noise).toEqual([{ path: 'agora', count: 2 }])
    expect(report.latencyMs.legacy).toEqual({ count: 4, p50: 5, p95: 50, p99: 50 })
    expect(report.errors).toEqual({ legacy: 0, gateway: 1 })
    expect(report.series).toEqual([{ at: new Date(60_000).toISOString(), compared: 3, mismatch: 0 }, { at: new Date(120_000).toISOString(), compared: 2, mismatch: 1 }])
  })
})
