/**
 * The JSON text behind a gateway-made Response, remembered when the response is built (legacyJson,
 * cached bodies) so the ETag / compression middleware never has to read the body stream back.
 */
const bodies = new WeakMap<Response, { text: string; etag?: string }>()

export function rememberJsonBody(response: Response, text: string, etag?: string): Response {
  bodies.set(response, { text, etag })
  return response
}

export function jsonBodyOf(response: Response): { text: string; etag?: string } | undefined {
  return bodies.get(response)
}
