import { describe, expect, it } from 'vitest'
import { compareRead, compareWrite, noiseBetween, type SideAnswer } from './compare.js'
import { NoiseModel } from './noise.js'

const json = (value: unknown, status = 200): SideAnswer => ({ status, contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) })
const base = (noise = new NoiseModel(2)) => ({ route: 'r', ignore: [] as string[], noise, legacyMs: 3, probeNoise: false, recheckDelayMs: 1 })

describe('compareRead', () => {
  it('matches equal bytes without parsing, and equal JSON in another key order', async () => {
    expect((await compareRead({ ...base(), legacy: json({ a: 1 }), runGateway: async () => json({ a: 1 }) })).result).toBe('match')
    const reordered = { status: 200, contentType: 'application/json', body: Buffer.from('{"b":2,"a":1}') }
    expect((await compareRead({ ...base(), legacy: json({ a: 1, b: 2 }), runGateway: async () => reordered })).result).toBe('match')
  })

  it('counts a mismatch that persists on the re-check, with every differing path', async () => {
    let legacyAsked = 0
    const result = await compareRead({
      ...base(),
      legacy: json({ a: 1, b: 2, c: 3 }),
      runGateway: async () => json({ a: 9, b: 2, c: 8 }),
      askLegacyAgain: async () => {
        legacyAsked++
        return json({ a: 1, b: 2, c: 3 })
      },
    })
    expect(result.result).toBe('mismatch')
    expect(result.rechecked).toBe(true)
    expect(legacyAsked).toBe(1)
    expect(result.differences.map((difference) => difference.path)).toEqual(['a', 'c'])
    expect(result.differences.map((difference) => difference.path)).toEqual(['a', 'c'])
    expect(result.gatewayMs).toBeGreaterThanOrEqual(0)
  })

  it('calls a difference that vanishes on the re-check a race', async () => {
    let runs = 0
    const result = await compareRead({
      ...base(),
      legacy: json({ quantidade: 5 }),
      // The data changed between the legacy's read and the gateway's: asked again, both see the new value.
      runGateway: async () => json({ quantidade: 6 + 0 * runs++ }),
      askLegacyAgain: async () => json({ quantidade: 6 }),
    })
    expect(result.result).toBe('race')
    expect(runs).toBe(2)
  })

  it('brackets the legacy re-read with a gateway run after it', async () => {
    let runs = 0
    const values = [1, 1, 2]
    // Asked again, the legacy app sees a write the concurrent gateway run missed; the run after it sees it too.
    const result = await compareRead({ ...base(), legacy: json({ q: 2 }), runGateway: async () => json({ q: values[runs++] }), askLegacyAgain: async () => json({ q: 2 }) })
    expect(result.result).toBe('race')
    expect(runs).toBe(3)
  })

  it('calls a difference on data the legacy app itself changed between its two answers a race', async () => {
    let legacyReads = 0
    const result = await compareRead({
      ...base(),
      legacy: json({ ultimas: ['m1'], total: 1 }),
      runGateway: async () => json({ ultimas: ['m0'], total: 1 }),
      askLegacyAgain: async () => json({ ultimas: ['m' + String(2 + legacyReads++)], total: 1 }),
    })
    expect(result.result).toBe('race')
  })

  it('does not re-check without a way to ask the legacy app again (writes) or with a zero delay', async () => {
    const result = await compareRead({ ...base(), recheckDelayMs: 0, legacy: json({ a: 1 }), runGateway: async () => json({ a: 2 }), askLegacyAgain: async () => json({ a: 1 }) })
    expect(result).toMatchObject({ result: 'mismatch', differences: [{ path: 'a' }] })
    expect(result.rechecked).toBeUndefined()
  })

  it('counts a difference whose re-check could not be made as an error, not a mismatch', async () => {
    const result = await compareRead({ ...base(), legacy: json({ a: 1 }), runGateway: async () => json({ a: 2 }), askLegacyAgain: async () => Promise.reject(new Error('legacy re-fetch timed out')) })
    expect(result).toMatchObject({ result: 'error', reason: 're-check failed: legacy re-fetch timed out', rechecked: false })
  })

  it('compares the status, and a body that is not JSON by bytes', async () => {
    const result = await compareRead({ ...base(), legacy: json({ erro: 'x' }, 404), runGateway: async () => json({ erro: 'x' }, 200) })
    expect(result.differences).toEqual([{ path: '(status)', key: '(status)', legacy: 404, gateway: 200 }])
    const html = (text: string): SideAnswer => ({ status: 200, contentType: 'text/html', body: Buffer.from(text) })
    expect((await compareRead({ ...base(), legacy: html('<p>a</p>'), runGateway: async () => html('<p>a</p>') })).result).toBe('match')
    expect((await compareRead({ ...base(), legacy: html('<p>a</p>'), runGateway: async () => html('<p>b</p>') })).differences[0]!.path).toBe('(body)')
  })

  it('counts a failed gateway run as an error and a legacy answer without a copy as skipped', async () => {
    expect((await compareRead({ ...base(), legacy: json({}), runGateway: async () => Promise.reject(new Error('boom')) })).result).toBe('error')
    expect((await compareRead({ ...base(), legacy: { status: 200, contentType: 'application/json', body: null }, runGateway: async () => json({}) })).result).toBe('skipped')
  })

  it('learns noise from the legacy app against itself and stops counting it once seen often enough', async () => {
    const noise = new NoiseModel(2)
    let clock = 0
    const legacy = () => json({ agora: ++clock, total: 3 })
    const probe = { ...base(noise), probeNoise: true, recheckDelayMs: 0, askLegacyAgain: async () => legacy() }
    // Seen once: still a mismatch.
    const first = await compareRead({ ...probe, legacy: legacy(), runGateway: async () => json({ agora: 100, total: 3 }) })
    expect(first.noiseSeen).toEqual(['agora'])
    expect(first.result).toBe('mismatch')
    // Seen twice: noise; a real difference elsewhere still counts.
    const second = await compareRead({ ...probe, legacy: legacy(), runGateway: async () => json({ agora: 100, total: 3 }) })
    expect(second.result).toBe('match')
    expect(noise.paths('r')).toEqual(['agora'])
    const broken = await compareRead({ ...base(noise), legacy: legacy(), runGateway: async () => json({ agora: 100, total: 4 }) })
    expect(broken).toMatchObject({ result: 'mismatch', differences: [{ path: 'total' }] })
  })

  it('applies ignore rules', async () => {
    const result = await compareRead({ ...base(), ignore: ['itens.*.at'], legacy: json({ itens: [{ at: 1 }] }), runGateway: async () => json({ itens: [{ at: 2 }] }) })
    expect(result.result).toBe('match')
  })
})

describe('noiseBetween', () => {
  it('names grouped paths that differ between two answers, nothing for equal ones, undefined when statuses differ', () => {
    expect(noiseBetween(json({ itens: [{ at: 1 }, { at: 2 }] }), json({ itens: [{ at: 3 }, { at: 4 }] }))).toEqual(['itens.*.at'])
    expect(noiseBetween(json({ a: 1 }), json({ a: 1 }))).toEqual([])
    expect(noiseBetween(json({ a: 1 }), json({ a: 1 }, 500))).toBeUndefined()
  })
})

describe('compareWrite', () => {
  it('compares a refused write with the gateway’s validation', async () => {
    const refused = json({ erro: 'Código e nome são obrigatórios' }, 400)
    expect((await compareWrite({ ...base(), legacy: refused, runGateway: async () => json({ erro: 'Código e nome são obrigatórios' }, 400) })).result).toBe('match')
    const wrong = await compareWrite({ ...base(), legacy: refused, runGateway: async () => json({ erro: 'Dados inválidos' }, 400) })
    expect(wrong).toMatchObject({ result: 'mismatch', differences: [{ path: 'erro' }] })
  })

  it('compares an accepted write by its stored effect, or says it was not compared', async () => {
    const created = json({ id: 'abc', nome: 'Cabo' }, 201)
    let readWith: unknown
    const readBack = async (answer: unknown) => {
      readWith = answer
      return json({ id: 'abc', nome: 'Cabo' }, 201)
    }
    expect((await compareWrite({ ...base(), legacy: created, runGateway: async () => Promise.reject(new Error('never run')), readBack })).result).toBe('match')
    expect(readWith).toEqual({ id: 'abc', nome: 'Cabo' })
    expect((await compareWrite({ ...base(), legacy: created, runGateway: async () => json({}) })).result).toBe('not-compared')
    expect((await compareWrite({ ...base(), legacy: json({}, 500), runGateway: async () => json({}) })).result).toBe('skipped')
  })
})
