import { describe, expect, it } from 'vitest'
import { readBody } from './route-context.js'
import { BodyTooLargeError } from './route.js'

const streamOf = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
      controller.close()
    },
  })
const post = (body: RequestInit['body'], headers: Record<string, string> = {}) => new Request('http://x/', { method: 'POST', body, headers, duplex: 'half' } as RequestInit)
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('readBody', () => {
  it('reads a body of declared length whole', async () => {
    expect(text(await readBody(post('{"a":1}', { 'content-length': '7' }), 7))).toBe('{"a":1}')
  })

  it('refuses a declared length over the limit before reading', async () => {
    const request = post('0123456789', { 'content-length': '10' })
    await expect(readBody(request, 8)).rejects.toBeInstanceOf(BodyTooLargeError)
    expect(request.bodyUsed).toBe(false)
  })

  it('reads a body of no declared length in chunks, and refuses it once it passes the limit', async () => {
    expect(text(await readBody(post(streamOf('ab', 'cd')), 4))).toBe('abcd')
    await expect(readBody(post(streamOf('abc', 'def')), 4)).rejects.toBeInstanceOf(BodyTooLargeError)
  })

  it('reads no body as empty', async () => {
    expect((await readBody(new Request('http://x/'), 8)).byteLength).toBe(0)
  })
})
