// The legacy app frozen (SIGSTOP) and then killed (SIGKILL), in the middle of a proxied stream, while 30 writers
// use the migrated POST: proxied requests fail fast (504, then 502), the gateway stays healthy, writes go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { recordScenario } from './record.js'
import { acknowledged, checkInvariant, outcomes, settleKeyedRetries, sleep, startStack, startWriters, waitFor, type Stack } from './support.js'

const LEGACY_TIMEOUT_MS = 4000
let stack: Stack
let gateway: GatewayProcess

beforeAll(async () => {
  stack = await startStack()
  gateway = await stack.startGateway({ LEGACY_TIMEOUT_MS: String(LEGACY_TIMEOUT_MS), LEGACY_CONNECT_TIMEOUT_MS: '1000' })
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

/** Status of a proxied page and how long it took (`cut` if no answer within 15 s). */
async function timedProxied(): Promise<{ status: number | 'cut'; ms: number }> {
  const t0 = Date.now()
  const res = await fetch(`${gateway.url}/login`, { signal: AbortSignal.timeout(15_000) }).catch(() => undefined)
  await res?.body?.cancel()
  return { status: res?.status ?? 'cut', ms: Date.now() - t0 }
}

async function healthyFast(): Promise<boolean> {
  const res = await fetch(`${gateway.url}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined)
  return res?.status === 200
}

describe('legacy app faults', () => {
  it('frozen mid-stream, then killed: 504 then 502 within seconds, the gateway healthy, migrated writes unaffected', async () => {
    const writers = await startWriters(stack, () => gateway.url, 'legacyoutage')
    await waitFor(() => acknowledged(writers.attempts) >= 20, 60_000, '20 writes acknowledged', () => JSON.stringify(outcomes(writers.attempts)))

    // A proxied event stream, frozen after its first event.
    const stream = await fetch(`${gateway.url}/api/chat?mensagem=oi`, { headers: { cookie: stack.cookie } })
    expect(stream.status).toBe(200)
    const reader = stream.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain('data:')
    stack.legacy.signal('SIGSTOP')
    const frozenAt = Date.now()
    const ackAtFreeze = acknowledged(writers.attempts)
    let streamEndedMs: number | undefined
    const streamEnd = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // cut: what the gateway does to a started stream whose upstream went silent
      }
      streamEndedMs = Date.now() - frozenAt
    })()
    const whileFrozen = await timedProxied()
    const healthyWhileFrozen = await healthyFast()
    await streamEnd
    const writesGoOn = acknowledged(writers.attempts) > ackAtFreeze

    stack.legacy.signal('SIGCONT')
    stack.legacy.signal('SIGKILL')
    await sleep(300)
    const whileDead = await timedProxied()
    const healthyWhileDead = await healthyFast()

    await writers.stop()
    await settleKeyedRetries(stack, gateway.url, writers.attempts, 30_000)
    const verdict = await checkInvariant(stack, writers, 15_000)
    recordScenario('legacy frozen then killed', { whileFrozen, streamEndedMs, whileDead, healthyWhileFrozen, writesGoOn, healthyWhileDead, ...verdict, problems: verdict.problems.length })

    expect(whileFrozen.status).toBe(504)
    expect(whileFrozen.ms).toBeLessThan(LEGACY_TIMEOUT_MS + 5000)
    expect(streamEndedMs).toBeLessThan(LEGACY_TIMEOUT_MS + 5000)
    expect(healthyWhileFrozen).toBe(true)
    expect(writesGoOn).toBe(true)
    expect(whileDead.status).toBe(502)
    expect(whileDead.ms).toBeLessThan(5000)
    expect(healthyWhileDead).toBe(true)
    expect(verdict.problems).toEqual([])
  }, 180_000)
})
