import { Hono } from 'hono'
import type { GatewayEnv } from '../../core/env.js'

export type ReadinessProbe = () => Promise<Record<string, unknown> | void>

export type HealthOptions = {
  /** Named dependency checks; each must settle within `timeoutMs` or it counts as down. */
  probes: Record<string, ReadinessProbe>
  timeoutMs: number
}

/** `/healthz`: the process answers. `/readyz`: every dependency answers too (503 naming the ones that don't). */
export function healthRoutes(options: HealthOptions): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200, { 'cache-control': 'no-store' }))
  app.get('/readyz', async (c) => {
    const entries = await Promise.all(
      Object.entries(options.probes).map(async ([name, probe]) => [name, await runProbe(probe, options.timeoutMs)] as const),
    )
    const checks = Object.fromEntries(entries)
    const ready = entries.every(([, result]) => result.ok)
    return c.json({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503, { 'cache-control': 'no-store' })
  })
  return app
}

async function runProbe(probe: ReadinessProbe, timeoutMs: number) {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    const details = await Promise.race([probe(), timeout])
    return { ok: true, ms: elapsed(started), ...details }
  } catch (error) {
    return { ok: false, ms: elapsed(started), error: error instanceof Error ? error.message : String(error) }
  } finally {
    clearTimeout(timer)
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started)
