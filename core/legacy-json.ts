import { PythonError } from '../compat/python/errors.js'
import { pythonJsonDumps } from '../compat/python/json-encode.js'
import type { ResponseCache } from './response-cache.js'

/**
 * The body `flask.jsonify(value)` writes, without its trailing newline: sorted keys, ASCII-only escapes,
 * compact separators, Python float repr, exact ints, http-dates (compat/python/json-encode.ts).
 * Throws PythonError where jsonify raises (a value that is not JSON serializable).
 */
export function legacyJsonText(value: unknown): string {
  return pythonJsonDumps(value, true)
}

const JSON_TYPE = 'application/json'

/**
 * The body text of each Response made here. The ETag and compression middleware read it from here: reading
 * the Response itself would turn @hono/node-server's string body into a web stream, read it, and rebuild the Response.
 */
const bodyTexts = new WeakMap<Response, string>()

/** The body of a JSON Response made by this module (undefined for any other Response, copies included). */
export function knownJsonText(response: Response): string | undefined {
  return bodyTexts.get(response)
}

function textResponse(text: string, status: number, headers: Record<string, string>): Response {
  const response = new Response(text, { status, headers: { 'content-type': JSON_TYPE, ...headers } })
  bodyTexts.set(response, text)
  return response
}

/** `flask.jsonify(value)` as a Response (newline included), with `Content-Type: application/json`. */
export function jsonResponse(value: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return textResponse(`${legacyJsonText(value)}\n`, status, headers)
}

/** The legacy `erro(mensagem, status, **extra)` helper (util.py), as a Response. */
export function jsonErrorResponse(erro: string, status = 400, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): Response {
  return jsonResponse({ erro, ...extra }, status, headers)
}

/** The messages of the legacy app's HTTPException handler (`MENSAGENS_ERRO` in its `__init__.py`). */
const HTTP_ERROR_MESSAGES: Record<number, string> = {
  400: 'Requisição inválida',
  404: 'Recurso não encontrado',
  405: 'Método não permitido',
  413: 'Requisição muito grande',
  415: 'Tipo de conteúdo não suportado',
  500: 'Erro interno',
}

/**
 * What the legacy app answers when Werkzeug raises an HTTP error on an /api path (a malformed or non-JSON
 * body, a body over MAX_CONTENT_LENGTH) or a view crashes (500): its handler writes `flask.json.dumps`,
 * whose separators are Python's default — `{"erro": "Erro interno"}`, with the spaces — unlike `erro()`.
 */
export function httpErrorResponse(status: 400 | 404 | 405 | 413 | 415 | 500, headers: Record<string, string> = {}): Response {
  return textResponse(`${pythonJsonDumps({ erro: HTTP_ERROR_MESSAGES[status] }, false)}\n`, status, headers)
}

/** The legacy app's answer when its view raises (TypeError, KeyError, ... on unexpected data): 500 `{"erro": "Erro interno"}`. */
export const legacyCrashResponse = (): Response => httpErrorResponse(500)

/** Whether an error is one the legacy view would have raised on the same data (answered with legacyCrashResponse). */
export function isLegacyCrash(error: unknown): boolean {
  return error instanceof PythonError
}

/**
 * `jsonResponse(await compute())`, through the response cache when there is one (CACHE_TTL_MS > 0): the
 * serialized body and its ETag are cached under `key`, so a hit costs no query and no serialization.
 */
export async function cachedJsonResponse(cache: ResponseCache | undefined, key: string, compute: () => Promise<unknown>): Promise<Response> {
  if (!cache) return jsonResponse(await compute())
  const { body, etag } = await cache.getOrCompute(key, async () => `${legacyJsonText(await compute())}\n`)
  // The cache's validator travels as the response's own ETag (the ETag middleware uses it, or drops it when ETAG=false).
  return textResponse(body, 200, { etag })
}
