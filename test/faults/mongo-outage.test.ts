// MongoDB paused (SIGSTOP/SIGCONT) and killed then restarted (its data in an H2 file, journaled writes) under 30
// concurrent writers: the gateway stays up, and afterwards stock and movements agree and acknowledged writes are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { recordScenario } from './record.js'
import { acknowledged, checkInvariant, outcomes, settleKeyedRetries, sleep, startStack, startWriters, waitFor, type Stack } from './support.js'

let stack: Stack
let gateway: GatewayProcess

beforeAll(async () => {
  stack = await startStack({ persistent: true })
  gateway = await stack.startGateway()
}, 180_000)

afterAll(async () => {
  await stack?.stop()
})

/** Answers /healthz within 2 s? (the process is up whatever MongoDB does) */
async function healthy(): Promise<boolean> {
  const res = await fetch(`${gateway.url}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined)
  return res?.status === 200
}

async function underLoad(scenario: string, fault: () => Promise<Record<string, unknown>>) {
  const writers = await startWriters(stack, () => gateway.url, scenario.replace(/\W+/g, ''))
  await waitFor(() => acknowledged(writers.attempts) >= 40, 60_000, '40 writes acknowledged before the fault', () => JSON.stringify(outcomes(writers.attempts)))
  const figures = await fault()
  const resumed = acknowledged(writers.attempts)
  await waitFor(() => acknowledged(writers.attempts) >= resumed + 20, 60_000, '20 writes acknowledged after MongoDB is back', () =>
    JSON.stringify(outcomes(writers.attempts.slice(-200))))
  await writers.stop()
  const started = Date.now()
  const retries = await settleKeyedRetries(stack, gateway.url, writers.attempts, 30_000)
  const verdict = await checkInvariant(stack, writers, 15_000)
  recordScenario(scenario, { ...figures, ...verdict, problems: verdict.problems.length, ...retries, outcomes: outcomes(writers.attempts), settleMs: Date.now() - started })
  return verdict
}

describe('MongoDB faults under 30 concurrent writers', () => {
  it('paused 3 s (SIGSTOP) then resumed: the gateway stays healthy, nothing lost or half-applied', async () => {
    let healthyWhilePaused = false
    const verdict = await underLoad('mongodb paused', async () => {
      stack.mongo.signal!('SIGSTOP')
      try {
        await sleep(1000)
        healthyWhilePaused = await healthy()
        await sleep(2000)
      } finally {
        stack.mongo.signal!('SIGCONT')
      }
      return { pausedMs: 3000 }
    })
    expect(healthyWhilePaused).toBe(true)
    expect(verdict.problems).toEqual([])
  }, 180_000)

  it('killed (SIGKILL) and restarted on its data file: acknowledged writes survive, the rest converges', async () => {
    const verdict = await underLoad('mongodb SIGKILL', async () => {
      const t0 = Date.now()
      stack.mongo.signal!('SIGKILL')
      await sleep(500)
      const healthyWhileDown = await healthy()
      await stack.mongo.restart!()
      return { healthyWhileDown, downMs: Date.now() - t0 }
    })
    expect(verdict.problems).toEqual([])
    expect(await healthy()).toBe(true)
  }, 180_000)
})
