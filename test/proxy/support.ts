// Helpers for the proxy fidelity tests: raw HTTP exchanges (fetch normalizes targets, decompresses bodies
// and hides hop-by-hop headers; node:http sends the path and headers exactly as given).
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http'
import net from 'node:net'
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'

export type RawResponse = {
  status: number
  statusMessage: string
  headers: IncomingHttpHeaders
  /** [name, value, name, value, …] as received. */
  rawHeaders: string[]
  body: Buffer
}

export type RawRequest = {
  method?: string
  /** The request target, sent byte for byte (origin-form, absolute-form, anything). */
  target: string
  headers?: OutgoingHttpHeaders | string[]
  body?: Buffer | string
  /** Send `body` with Transfer-Encoding: chunked (several writes, no Content-Length). */
  chunked?: boolean
  /** Ask for a persistent connection (`Connection: keep-alive`) instead of Node's default `close`. */
  keepAlive?: boolean
  timeoutMs?: number
}

/** One request on a fresh connection; resolves with the whole response. */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: request.method ?? 'GET',
        path: request.target,
        headers: request.headers,
        agent: request.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false,
        timeout: request.timeoutMs ?? 20_000,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.once('error', reject)
        res.once('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? '',
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        )
      },
    )
    req.once('timeout', () => req.destroy(new Error(`no complete answer to ${request.method ?? 'GET'} ${request.target} in time`)))
    req.once('error', reject)
    if (request.body !== undefined && request.chunked) {
      const body = Buffer.from(request.body)
      const step = Math.max(1, Math.ceil(body.length / 3))
      for (let offset = 0; offset < body.length; offset += step) req.write(body.subarray(offset, offset + step))
      req.end()
    } else req.end(request.body)
  })
}

/** Header names of a raw header list, lower-cased, in order (repeats kept). */
export function headerNames(rawHeaders: string[]): string[] {
  return rawHeaders.filter((_, index) => index % 2 === 0).map((name) => name.toLowerCase())
}

/** Every value of one header, each line separately. */
export function headerValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = []
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index]!.toLowerCase() === name) values.push(rawHeaders[index + 1]!)
  }
  return values
}

/** Every gateway response is labelled: who answered and the request id. */
export function expectLabelled(response: { headers: IncomingHttpHeaders } | Response, upstream: 'legacy' | 'gateway'): void {
  const get = (name: string) => (response instanceof Response ? response.headers.get(name) : (response.headers[name] as string | undefined))
  expect(get('x-gateway-upstream')).toBe(upstream)
  expect(get('x-request-id')).toMatch(/^[\w-]{8,}$/)
}

/** Peak and current resident memory of a process, in bytes (Linux /proc). */
export function memoryOf(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024
  return { hwm: kib('VmHWM'), rss: kib('VmRSS') }
}

/** The gateway's JSON log lines (pino) so far. */
export function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>]
      } catch {
        return []
      }
    })
}

/**
 * Writes `head` (request line and headers, `\r\n` line ends, no final blank line) verbatim on a new TCP
 * connection and reads the response until the server closes it: for requests node:http refuses to send.
 * The request should carry `Connection: close`.
 */
export function rawExchange(baseUrl: string, head: string[], body = ''): Promise<RawResponse> {
  const base = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(base.port), base.hostname)
    const chunks: Buffer[] = []
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer in time')))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.once('error', reject)
    socket.once('end', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`)
  })
}

function parseResponse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n')
  if (end === -1) throw new Error(`incomplete response: ${data.toString('latin1').slice(0, 200)}`)
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n')
  const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(statusLine)
  if (!match) throw new Error(`bad status line: ${statusLine}`)
  const rawHeaders: string[] = []
  const headers: IncomingHttpHeaders = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon)
    const value = line.slice(colon + 1).trim()
    rawHeaders.push(name, value)
    const key = name.toLowerCase()
    headers[key] = headers[key] === undefined ? value : `${String(headers[key])}, ${value}`
  }
  let body = data.subarray(end + 4)
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    const parts: Buffer[] = []
    let offset = 0
    for (;;) {
      const lineEnd = body.indexOf('\r\n', offset)
      const size = parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16)
      if (!size) break
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
      offset = lineEnd + 2 + size + 2
    }
    body = Buffer.concat(parts)
  }
  return { status: Number(match[1]), statusMessage: match[2] ?? '', headers, rawHeaders, body }
}
