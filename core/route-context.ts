import type { Context } from 'hono'
import { identifierAtLegacy, sessionIdentifier } from '../compat/flask/login.js'
import { parseArgs, rawQueryOf } from '../compat/werkzeug/query-string.js'
import type { GatewayEnv } from './env.js'
import { BodyTooLargeError, type RouteContext, type RouteDeclaration, type RouteParam, type RouteServices } from './route.js'

/** What the dispatcher knows of a request before a handler runs; enough to build its context again (shadow). */
export type RequestFacts = {
  request: Request
  method: string
  rawTarget: string
  requestId: string
  peerAddress: string
  legacyIdentity: string
}

/** The request target exactly as the client sent it (a Fetch Request without a Node one: its path and query). */
export function rawTargetOf(c: Context<GatewayEnv>): string {
  return c.env?.incoming?.url ?? pathAndQuery(c.req.url)
}

export function requestFacts(c: Context<GatewayEnv>): RequestFacts {
  const incoming = c.env?.incoming
  return {
    request: c.req.raw,
    method: c.req.method,
    rawTarget: rawTargetOf(c),
    requestId: c.get('requestId'),
    peerAddress: incoming?.socket?.remoteAddress ?? 'unknown',
    legacyIdentity: incoming
      ? identifierAtLegacy(incoming)
      : sessionIdentifier(c.req.header('x-forwarded-for') ?? null, null, c.req.header('user-agent') ?? null),
  }
}

/** The handler's view of one request. `bodyBytes` keeps what was read, for a deferral to the legacy app. */
export function routeContext(
  facts: RequestFacts,
  route: RouteDeclaration,
  params: Readonly<Record<string, RouteParam>>,
  services: RouteServices,
  options: { shadow: boolean; body?: Uint8Array },
): RouteContext & { bodyBytes(): Uint8Array | undefined } {
  let args: Map<string, string> | undefined
  let body: Promise<Uint8Array> | undefined = options.body ? Promise.resolve(options.body) : undefined
  let bytes: Uint8Array | undefined = options.body
  const limit = route.bodyLimitBytes ?? services.settings.bodyLimitBytes
  // The services come last: on Node 20's V8 a literal that opens with a spread pays ~0.5 µs for each property
  // after it (this one took 9 µs), one with the spread at its end a few ns. No key here is one of theirs.
  return {
    route,
    request: facts.request,
    method: facts.method,
    rawTarget: facts.rawTarget,
    params,
    args: () => (args ??= parseArgs(rawQueryOf(facts.rawTarget))),
    body: () =>
      (body ??= readBody(facts.request, limit).then((read) => {
        bytes = read
        return read
      })),
    bodyBytes: () => bytes,
    user: undefined,
    requestId: facts.requestId,
    peerAddress: facts.peerAddress,
    legacyIdentity: facts.legacyIdentity,
    shadow: options.shadow,
    database: runNow,
    ...services,
  }
}

const runNow = <T>(work: () => Promise<T>): Promise<T> => work()

/** Reads a request body up to `limitBytes`: a declared length over it is refused before anything is read. */
export async function readBody(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limitBytes) throw new BodyTooLargeError(limitBytes)
  // A declared length within the limit bounds the body (the HTTP parser holds the client to it): read it whole.
  // On Node that reads the socket directly, where touching `request.body` would first build a full Fetch
  // Request around it (a third of a small write's CPU, docs/benchmarks.md).
  if (declared !== null && /^\d+$/.test(declared)) return new Uint8Array(await request.arrayBuffer())
  if (!request.body) return new Uint8Array(0)
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = request.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limitBytes) {
      // Read a bounded rest, so a client still sending sees the 413 rather than a reset connection.
      await discardRest(reader)
      throw new BodyTooLargeError(limitBytes)
    }
    chunks.push(value)
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
}

/** Past a body limit, up to this much more is read and dropped (within DISCARD_MS) before answering. */
export const DISCARD_BYTES = 1024 * 1024
const DISCARD_MS = 5_000

/** Reads and drops the rest of a body; true when it ended within DISCARD_BYTES and DISCARD_MS (else it is cancelled). */
export async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), DISCARD_MS)
  try {
    for (let size = 0; ; ) {
      const { done, value } = await reader.read()
      if (done) return size <= DISCARD_BYTES
      size += value.byteLength
      if (size > DISCARD_BYTES) {
        await reader.cancel().catch(() => undefined)
        return false
      }
    }
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

function pathAndQuery(url: string): string {
  const parsed = new URL(url)
  return `${parsed.pathname}${parsed.search}`
}
