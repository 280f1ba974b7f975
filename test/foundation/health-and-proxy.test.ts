import { describe, expect, inject, it } from 'vitest'
import { startGateway } from '../../scripts/dev/gateway-process.js'
import { freePort } from '../../scripts/dev/ports.js'
import { readJson } from '../support/http.js'
import { login } from '../support/login.js'
import { seed } from '../../scripts/seed/index.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'foundation', seed: (db) => seed(db, { items: 20, movements: 60 }), loginThrough: false })

describe('health endpoints', () => {
  it('/healthz answers 200 from the gateway itself', async () => {
    const response = await fetch(`${stack().gateway.url}/healthz`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(await response.json()).toEqual({ status: 'ok' })
  })

  it('/readyz is 200 when MongoDB and the legacy app both answer', async () => {
    const response = await fetch(`${stack().gateway.url}/readyz`)
    const body = await readJson(response)
    expect(response.status).toBe(200)
    expect(body.status).toBe('ready')
    expect(body.checks.mongodb.ok).toBe(true)
    expect(body.checks.legacy).toMatchObject({ ok: true, status: 200 })
  })

  it('/readyz is 503 naming MongoDB when it is down, while /healthz stays 200', async () => {
    const deadMongo = `mongodb://127.0.0.1:${await freePort()}`
    const isolated = await startGateway({ mongoUri: deadMongo, dbName: 'none', legacyUrl: stack().legacy.url })
    try {
      const ready = await fetch(`${isolated.url}/readyz`)
      const body = await readJson(ready)
      expect(ready.status).toBe(503)
      expect(body.checks.mongodb.ok).toBe(false)
      expect(body.checks.legacy.ok).toBe(true)
      expect((await fetch(`${isolated.url}/healthz`)).status).toBe(200)
    } finally {
      await isolated.stop()
    }
  })

  it('/readyz is 503 naming the legacy app when it is down', async () => {
    const deadLegacy = `http://127.0.0.1:${await freePort()}`
    const isolated = await startGateway({ mongoUri: inject('mongoUri'), dbName: stack().db.databaseName, legacyUrl: deadLegacy })
    try {
      const ready = await fetch(`${isolated.url}/readyz`)
      const body = await readJson(ready)
      expect(ready.status).toBe(503)
      expect(body.checks.legacy.ok).toBe(false)
      expect(body.checks.mongodb.ok).toBe(true)
      // and a proxied request gets the gateway's 502 JSON instead of hanging
      const proxied = await fetch(`${isolated.url}/login`)
      expect(proxied.status).toBe(502)
      expect(proxied.headers.get('content-type')).toBe('application/json')
      expect((await readJson(proxied)).erro).toBe('Sistema legado indisponível')
    } finally {
      await isolated.stop()
    }
  })
})

describe('proxying to the legacy app', () => {
  it('serves the login page through the gateway, labelled legacy', async () => {
    const response = await fetch(`${stack().gateway.url}/login`)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]+$/)
    expect(await response.text()).toMatch(/<form[^>]*method="post"/i)
  })

  it('logs in through the gateway and uses the session cookie on a page and an API call', async () => {
    const cookie = await login(stack().gateway.url)
    expect(cookie).toMatch(/(^|; )session=/)

    const page = await fetch(`${stack().gateway.url}/dashboard`, { headers: { cookie }, redirect: 'manual' })
    expect(page.status).toBe(200)
    expect(page.headers.get('x-gateway-upstream')).toBe('legacy')
    expect(await page.text()).toContain('Usuário Demo')

    const me = await fetch(`${stack().gateway.url}/api/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(me.headers.get('x-gateway-upstream')).toBe('gateway')
    expect(await me.json()).toMatchObject({ email: 'demo@estoque.local' })
  })

  it('passes the legacy 401 and login redirect through unchanged without a session', async () => {
    const api = await fetch(`${stack().gateway.url}/api/me`)
    const direct = await fetch(`${stack().legacy.url}/api/me`)
    expect(api.status).toBe(401)
    expect(await api.json()).toEqual(await direct.json())

    const page = await fetch(`${stack().gateway.url}/dashboard`, { redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toBe((await fetch(`${stack().legacy.url}/dashboard`, { redirect: 'manual' })).headers.get('location'))
    expect(page.headers.get('location')).toMatch(/^\/login\?next=(%2F|\/)dashboard$/)
  })
})
