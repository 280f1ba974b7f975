import type { Context } from 'hono'
import type { GatewayEnv } from '../../core/env.js'
import { parseArgs, rawQueryOf } from './query-string.js'

/** `request.args` of the current request, decoded from the raw request target like Werkzeug does. */
export function requestArgs(c: Context<GatewayEnv>): Map<string, string> {
  const target = c.env?.incoming?.url ?? new URL(c.req.url).search
  return parseArgs(rawQueryOf(target))
}

/** `request.args.get(name)` where an empty value counts as absent (`if value:` in the legacy code). */
export function nonEmptyArg(args: Map<string, string>, name: string): string | undefined {
  const value = args.get(name)
  return value === undefined || value === '' ? undefined : value
}
