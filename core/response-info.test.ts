import type { AddressInfo } from 'node:net'
import { serve, type HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it, vi } from 'vitest'

/** A server whose handler writes the raw Node response itself and returns the already-sent marker. */
async function rawWriter(alreadySent: () => Response) {
  const errors: unknown[] = []
  const onError = (error: unknown) => errors.push(error)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  const app = new Hono<{ Bindings: HttpBindings }>()
  app.get('/', (c) => {
    c.env.outgoing.writeHead(200, { 'content-type': 'text/plain' })
    c.env.outgoing.end('written by hand')
    return alreadySent()
  })
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`)
    const text = await response.text()
    await new Promise((resolve) => setTimeout(resolve, 50))
    return { status: response.status, text, errors }
  } finally {
    process.off('uncaughtException', onError)
    process.off('unhandledRejection', onError)
    server.close()
  }
}

describe('alreadySent', () => {
  it('makes @hono/node-server send nothing more, also when the module loads after the server swapped the global Response', async () => {
    // A server first: @hono/node-server replaces globalThis.Response with its lighter class.
    const first = await rawWriter(() => new Response(null))
    expect(first.status).toBe(200)
    vi.resetModules()
    const { alreadySent } = await import('./response-info.js')
    const outcome = await rawWriter(alreadySent)
    expect(outcome).toEqual({ status: 200, text: 'written by hand', errors: [] })
  })

  it("is one shared object whose headers refuse changes (one request cannot change another one's marker)", async () => {
    const { alreadySent, isAlreadySent } = await import('./response-info.js')
    const a = alreadySent()
    expect(alreadySent()).toBe(a)
    expect(() => a.headers.set('x-extra', '1')).toThrow(TypeError)
    expect(() => a.headers.append('x-extra', '1')).toThrow(TypeError)
    expect(() => a.headers.delete('x-hono-already-sent')).toThrow(TypeError)
    expect([...a.headers]).toEqual([['x-hono-already-sent', 'true']])
    expect(isAlreadySent(a)).toBe(true)
    expect(isAlreadySent(new Response(null))).toBe(false)
  })
})
