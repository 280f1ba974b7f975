import { createHash, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import type { Side } from '../../core/decision.js'

export const OVERRIDE_SIDE_HEADER = 'x-gateway-side'
export const OVERRIDE_TOKEN_HEADER = 'x-gateway-override-token'

/**
 * A tester's explicit side: `X-Gateway-Side: gateway|legacy` with `X-Gateway-Override-Token: <ADMIN_TOKEN>`.
 * Never honoured without ADMIN_TOKEN configured or with a wrong token. Both headers are removed from the
 * request either way, so the legacy app never sees them (nor the token).
 */
export function testerOverride(adminToken: string | undefined): (c: Context<GatewayEnv>) => Side | undefined {
  const expected = adminToken ? digest(adminToken) : undefined
  return (c) => {
    const side = c.req.header(OVERRIDE_SIDE_HEADER)
    const token = c.req.header(OVERRIDE_TOKEN_HEADER)
    if (side === undefined && token === undefined) return undefined
    const incoming = c.env?.incoming
    if (incoming) {
      delete incoming.headers[OVERRIDE_SIDE_HEADER]
      delete incoming.headers[OVERRIDE_TOKEN_HEADER]
      delete incoming.headersDistinct[OVERRIDE_SIDE_HEADER]
      delete incoming.headersDistinct[OVERRIDE_TOKEN_HEADER]
    }
    if (!expected || token === undefined || (side !== 'gateway' && side !== 'legacy')) return undefined
    // Equal-length digests: the comparison takes the same time whatever the token's length or content.
    return timingSafeEqual(digest(token), expected) ? side : undefined
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}
