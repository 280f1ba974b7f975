import { httpErrorResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'
import { PyJsonError, parsePythonJson, type PyJson } from '../../compat/python/json-decode.js'

/** `request.is_json`: the mimetype (lowercased, parameters dropped) is application/json or application/*+json. */
export function isJsonMimetype(contentType: string | null | undefined): boolean {
  const mimetype = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase()
  return mimetype === 'application/json' || (mimetype.startsWith('application/') && mimetype.endsWith('+json'))
}

/**
 * Flask's `request.get_json()` in the legacy order: a non-JSON content type is refused (415) before the body
 * is read; a body over the route's limit is refused while reading (BodyTooLargeError → 413); then a body
 * Python's `json` cannot decode is a 400. Either the decoded value or the legacy's error response.
 */
export async function legacyJsonBody(ctx: RouteContext): Promise<{ value: PyJson } | { response: Response }> {
  if (!isJsonMimetype(ctx.request.headers.get('content-type'))) return { response: httpErrorResponse(415) }
  const body = await ctx.body()
  try {
    return { value: parsePythonJson(body) }
  } catch (error) {
    if (error instanceof PyJsonError) return { response: httpErrorResponse(400) }
    throw error
  }
}
