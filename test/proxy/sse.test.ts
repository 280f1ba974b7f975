// Server-Sent Events through the gateway: chunks reach the client as the legacy app yields them, and a
// client that goes away frees the legacy worker. One gunicorn sync worker, so a busy worker is observable.
import http from 'node:http'
import { describe, expect, it } from 'vitest'
import { login } from '../support/login.js'
import { seed } from '../../scripts/seed/index.js'
import { expectLabelled, logLines, rawRequest } from './support.js'
import { useTestStack } from '../support/stack.js'

const stack = useTestStack({ prefix: 'proxy_sse', seed: (db) => seed(db, { items: 12, movements: 10 }), legacy: { workers: 1 }, gateway: { env: { TRUST_PROXY: 'loopback' } }, loginThrough: 'gateway' })

/** The legacy chat yields 6 events 0.5 s apart (test/legacy-app/estoque/api_chat.py). */
const EVENTS = 6
const SPACING_MS = 500

type Arrival = { at: number; text: string }

/** Opens the chat stream; `onChunk` may return 'stop' to disconnect right there. */
function openChat(
  baseUrl: string,
  onChunk: (arrival: Arrival, response: http.IncomingMessage) => 'stop' | void = () => undefined,
): Promise<{ response: http.IncomingMessage; arrivals: Arrival[]; completed: boolean }> {
  const url = new URL('/api/chat?mensagem=tem%20cabo%3F', baseUrl)
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { cookie: stack().cookie, accept: 'text/event-stream' }, agent: false }, (response) => {
      const arrivals: Arrival[] = []
      response.setEncoding('utf8')
      response.on('data', (text: string) => {
        const arrival = { at: performance.now(), text }
        arrivals.push(arrival)
        if (onChunk(arrival, response) === 'stop') {
          request.destroy()
          resolve({ response, arrivals, completed: false })
        }
      })
      response.once('end', () => resolve({ response, arrivals, completed: true }))
      response.once('error', () => resolve({ response, arrivals, completed: false }))
    })
    request.once('error', reject)
  })
}

const events = (arrivals: Arrival[]) => arrivals.map((arrival) => arrival.text).join('').split('\n\n').filter(Boolean)

describe('Server-Sent Events', () => {
  it('passes every chunk through as the legacy app yields it, unbuffered', async () => {
    const via = await openChat(stack().gateway.url)
    expectLabelled({ headers: via.response.headers }, 'legacy')
    expect(via.completed).toBe(true)
    expect(via.response.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(via.response.headers['cache-control']).toBe('no-cache')
    expect(via.response.headers['x-accel-buffering']).toBe('no')
    expect(via.response.headers['content-length']).toBeUndefined()

    const direct = await openChat(stack().legacy.url)
    expect(events(via.arrivals)).toEqual(events(direct.arrivals))
    expect(events(via.arrivals)).toHaveLength(EVENTS)
    expect(events(via.arrivals).at(-1)).toBe('event: fim\ndata: fim')

    // Progressive: the first event reached the client long before the last one was even produced
    // (the legacy app spends 5 × 0.5 s between them). A buffering proxy delivers all at once.
    const first = via.arrivals[0]!
    const last = via.arrivals.at(-1)!
    expect(first.text).toContain('Olá, Usuário Demo!')
    expect(last.at - first.at).toBeGreaterThan(2 * SPACING_MS)
    expect(via.arrivals.length).toBeGreaterThanOrEqual(3)
  })

  it('a client disconnect closes the legacy request: the single sync worker is free again long before the stream would end', async () => {
    const requestId = `req-sse-disconnect-${Date.now()}`
    let firstAt = 0
    const cut = await new Promise<{ arrivals: Arrival[]; completed: boolean }>((resolve, reject) => {
      const request = http.get(
        new URL('/api/chat', stack().gateway.url),
        { headers: { cookie: stack().cookie, 'x-request-id': requestId }, agent: false },
        (response) => {
          expect(response.headers['x-request-id']).toBe(requestId)
          response.once('data', (text: string) => {
            firstAt = performance.now()
            request.destroy()
            resolve({ arrivals: [{ at: firstAt, text: String(text) }], completed: false })
          })
        },
      )
      request.once('error', (error) => (firstAt ? undefined : reject(error)))
    })
    expect(cut.completed).toBe(false)

    // gunicorn has one sync worker: while it runs the chat generator nothing else is served. Had the proxy
    // kept the legacy request open, the worker would be busy until the last event, (EVENTS - 1) × 0.5 s
    // after the first one; closing the upstream connection makes its next write fail and frees it.
    const answered = await rawRequest(stack().legacy.url, { target: '/login' })
    const answeredAt = performance.now()
    expect(answered.status).toBe(200)
    expect(answeredAt - firstAt).toBeLessThan((EVENTS - 1) * SPACING_MS - 100)

    const lines = logLines(stack().gateway.output()).filter((entry) => entry.requestId === requestId)
    expect(lines.map((entry) => entry.msg)).toContain('client closed the connection; legacy request closed')
    expect(stack().gateway.output()).not.toMatch(/unhandled/i)
  })
})
