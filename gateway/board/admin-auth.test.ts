import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../../core/env.js'
import { adminAuth } from './admin-auth.js'

const token = 'board-token-0123456789abcdef'
const app = new Hono<GatewayEnv>()
app.use('/_gateway/*', adminAuth(token))
app.get('/_gateway/', (c) => c.text('board'))
app.put('/_gateway/routes/x', (c) => c.text('changed'))

describe('adminAuth', () => {
  it('accepts the bearer token, refuses a wrong one or none', async () => {
    expect((await app.request('/_gateway/', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await app.request('/_gateway/', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    expect((await app.request('/_gateway/')).status).toBe(401)
  })

  it('trades ?token= for an HttpOnly SameSite=Strict cookie and redirects without it', async () => {
    const response = await app.request(`/_gateway/?token=${token}&x=1`)
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/_gateway/?x=1')
    const setCookie = response.headers.get('set-cookie')!
    expect(setCookie).toMatch(/HttpOnly/)
    expect(setCookie).toMatch(/SameSite=Strict/)
    expect(setCookie).not.toContain(token)
    const cookie = setCookie.split(';')[0]!
    expect((await app.request('/_gateway/', { headers: { cookie } })).status).toBe(200)
    expect((await app.request('/_gateway/?token=wrong')).status).toBe(401)
    // A write with the cookie alone (what a cross-site form could send) is refused; the board's header makes it.
    expect((await app.request('/_gateway/routes/x', { method: 'PUT', headers: { cookie } })).status).toBe(401)
    expect((await app.request('/_gateway/routes/x', { method: 'PUT', headers: { cookie, 'x-gateway-board': '1' } })).status).toBe(200)
  })
})
