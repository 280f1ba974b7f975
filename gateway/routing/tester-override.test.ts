import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../../core/env.js'
import { testerOverride } from './tester-override.js'

const TOKEN = 'override-test-token-0123456789'

function appWith(token: string | undefined) {
  const override = testerOverride(token)
  const app = new Hono<GatewayEnv>()
  app.get('*', (c) => c.text(override(c) ?? 'none'))
  return app
}

const ask = async (app: Hono<GatewayEnv>, headers: Record<string, string>) => (await app.request('/api/ok', { headers })).text()

describe('testerOverride', () => {
  it('names the side only with the admin token', async () => {
    const app = appWith(TOKEN)
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': TOKEN })).toBe('gateway')
    expect(await ask(app, { 'x-gateway-side': 'legacy', 'x-gateway-override-token': TOKEN })).toBe('legacy')
    expect(await ask(app, { 'x-gateway-side': 'gateway' })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': `${TOKEN}x` })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': TOKEN.slice(0, -1) })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': '' })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'both', 'x-gateway-override-token': TOKEN })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'Gateway', 'x-gateway-override-token': TOKEN })).toBe('none')
    expect(await ask(app, {})).toBe('none')
  })

  it('is never honoured when ADMIN_TOKEN is unset', async () => {
    const app = appWith(undefined)
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': '' })).toBe('none')
    expect(await ask(app, { 'x-gateway-side': 'gateway', 'x-gateway-override-token': 'undefined' })).toBe('none')
  })
})
