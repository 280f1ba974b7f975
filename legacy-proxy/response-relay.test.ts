import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { relayBody } from './response-relay.js'

// Real sockets on 127.0.0.1: an upstream server, a relaying server, and a client that reads when told.
const servers: http.Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})

function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler)
  servers.push(server)
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)))
}

const block = (index: number) => Buffer.alloc(64 * 1024, index % 251)

async function relayStack(blocks: number, limits: { memoryBytes: number; tempFileMaxBytes: number }, spool = true) {
  let upstreamDoneAt = 0
  const upstream = await listen((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    let index = 0
    const next = () => {
      while (index < blocks) {
        if (!res.write(block(index++))) return void res.once('drain', next)
      }
      res.end(() => (upstreamDoneAt = performance.now()))
    }
    next()
  })
  const relay = await listen((_req, res) => {
    http.get(upstream, (upstreamRes) => {
      res.writeHead(200)
      relayBody(upstreamRes, res, limits, { spool, onSpoolError: (error) => { throw error } })
    })
  })
  return { relay, upstreamDoneAt: () => upstreamDoneAt }
}

function readSlowly(url: string, holdMs: number): Promise<{ body: Buffer; firstByteAt: number }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      res.pause()
      const chunks: Buffer[] = []
      let firstByteAt = 0
      setTimeout(() => {
        res.on('data', (chunk: Buffer) => {
          firstByteAt ||= performance.now()
          chunks.push(chunk)
        })
        res.once('end', () => resolve({ body: Buffer.concat(chunks), firstByteAt }))
        res.resume()
      }, holdMs)
    }).once('error', reject)
  })
}

describe('relayBody', () => {
  it('reads the whole upstream body while the client is not reading (memory, then temp file), then delivers it intact', async () => {
    const blocks = 64 // 4 MiB: far beyond socket buffers and the memory bound
    const stack = await relayStack(blocks, { memoryBytes: 256 * 1024, tempFileMaxBytes: 64 * 1024 * 1024 })
    const { body, firstByteAt } = await readSlowly(stack.relay, 1500)
    expect(stack.upstreamDoneAt()).toBeGreaterThan(0)
    expect(stack.upstreamDoneAt()).toBeLessThan(firstByteAt)
    expect(body.length).toBe(blocks * 64 * 1024)
    for (let index = 0; index < blocks; index++) expect(body.subarray(index * 65536, (index + 1) * 65536).equals(block(index))).toBe(true)
  })

  it('past the temp-file bound the upstream waits for the client (backpressure), and the body still arrives intact', async () => {
    const blocks = 768 // 48 MiB: beyond what loopback socket buffers hold on both hops
    const stack = await relayStack(blocks, { memoryBytes: 128 * 1024, tempFileMaxBytes: 512 * 1024 })
    const { body, firstByteAt } = await readSlowly(stack.relay, 1000)
    expect(stack.upstreamDoneAt()).toBeGreaterThan(firstByteAt)
    expect(body.length).toBe(blocks * 64 * 1024)
    for (let index = 0; index < blocks; index++) expect(body.subarray(index * 65536, (index + 1) * 65536).equals(block(index))).toBe(true)
  })

  it('without spooling (streams), the upstream waits once the memory bound is full', async () => {
    const stack = await relayStack(768, { memoryBytes: 128 * 1024, tempFileMaxBytes: 64 * 1024 * 1024 }, false)
    const { body, firstByteAt } = await readSlowly(stack.relay, 1000)
    expect(stack.upstreamDoneAt()).toBeGreaterThan(firstByteAt)
    expect(body.length).toBe(768 * 64 * 1024)
  })
})
