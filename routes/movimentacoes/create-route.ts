import { createRoute, z } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Db, MongoClient, ObjectId } from 'mongodb'
import type { GatewayEnv } from '../../core/env.js'
import type { Logger } from '../../core/logger.js'
import { httpErrorResponse, legacyError, legacyJsonText } from '../../core/legacy-json.js'
import { pythonJsonDumps } from '../../compat/python/json-encode.js'
import { movementsJson } from '../shared/movements-json.js'
import { ErrorSchema, UnauthenticatedResponse, UnavailableResponse, errorResponse, routeGroup } from '../shared/openapi.js'
import { PyJsonError, parsePythonJson } from '../../compat/python/json-decode.js'
import { MovementInsertError, applyMovement, itemJson, type ApplyDeps } from './apply-movement.js'
import { checkMovementBody, isJsonMimetype, mimetypeOf } from './create-validate.js'
import { CreateBody, CreateResponse, InsufficientStock } from './create-schemas.js'
import { IdempotencyStore, fingerprint, isValidIdempotencyKey, type Claim } from './idempotency.js'

const route = createRoute({
  method: 'post',
  path: '/api/movimentacoes',
  tags: ['movimentacoes'],
  summary: 'Register an entrada, saída or ajuste (atomic; optional Idempotency-Key)',
  request: {
    body: { required: true, content: { 'application/json': { schema: CreateBody } } },
  },
  responses: {
    201: { description: 'Registered: the movement and the item after the update', content: { 'application/json': { schema: CreateResponse } } },
    400: {
      description: 'Requisição inválida | Dados inválidos | Item inválido | Tipo inválido | Quantidade inválida | Quantidade deve ser maior que zero | Observação inválida | Observação muito longa | Item inativo | Estoque insuficiente (with `disponivel`) | Chave de idempotência inválida',
      content: { 'application/json': { schema: z.union([InsufficientStock, ErrorSchema]) } },
    },
    401: UnauthenticatedResponse,
    404: errorResponse('Item não encontrado'),
    409: errorResponse('A request with the same Idempotency-Key is still running'),
    413: errorResponse('Requisição muito grande (body over BODY_LIMIT_BYTES)'),
    415: errorResponse('Tipo de conteúdo não suportado (not application/json or application/*+json)'),
    422: errorResponse('Chave de idempotência reutilizada com outro conteúdo'),
    503: UnavailableResponse,
  },
})

export type CreateDeps = { db: Db; client: MongoClient; logger: Logger; bodyLimitBytes: number; usesTransactions: () => Promise<boolean> }

const JSON_TYPE = { 'content-type': 'application/json' }

export function createRoutes(deps: CreateDeps) {
  const app = routeGroup()
  const store = new IdempotencyStore(deps.db)
  const apply: ApplyDeps = { db: deps.db, client: deps.client, logger: deps.logger, usesTransactions: deps.usesTransactions }

  // Documented through the registry only: the body is decoded and checked with Python semantics in the handler,
  // in the legacy order (415 before 413 before 400), which a JSON validator middleware would not reproduce.
  app.openAPIRegistry.registerPath(route)

  const checkKey: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    const key = c.req.header('idempotency-key')
    if (key !== undefined && !isValidIdempotencyKey(key)) return legacyError(c, 'Chave de idempotência inválida', 400)
    await next()
  }
  // Flask's get_json() refuses a non-JSON content type before reading the body.
  const requireJson: MiddlewareHandler<GatewayEnv> = async (c, next) => {
    if (!isJsonMimetype(c.req.header('content-type'))) return httpErrorResponse(415)
    await next()
  }
  const limit = bodyLimit({ maxSize: deps.bodyLimitBytes, onError: () => httpErrorResponse(413) })

  app.post('/api/movimentacoes', checkKey, requireJson, limit, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    const key = c.req.header('idempotency-key')
    if (key === undefined) return send(c, await decide(apply, body, c.get('user').email))

    const claim = await store.claim(c.get('user').id, key, fingerprint(mimetypeOf(c.req.header('content-type')), body))
    if (claim.kind === 'replay') return c.body(claim.response.body, claim.response.status as 201, { ...JSON_TYPE, 'idempotent-replayed': 'true' })
    if (claim.kind === 'mismatch') return legacyError(c, 'Chave de idempotência reutilizada com outro conteúdo', 422)
    if (claim.kind === 'in-progress') return legacyError(c, 'Requisição com esta chave de idempotência ainda em andamento', 409)

    let result: Decision
    try {
      result = (claim.takeover && (await landedEarlier(deps.db, claim))) || (await decide(apply, body, c.get('user').email, claim.movementId))
    } catch (error) {
      // Nothing was written unless the movement insert failed after the stock update; then the key stays
      // pending until the background compensation is over (its lease), and a retry gets 409 meanwhile.
      if (!(error instanceof MovementInsertError)) await store.release(claim.id).catch(() => undefined)
      throw error instanceof MovementInsertError ? error.cause : error
    }
    await store.complete(claim.id, { status: result.status, body: result.text }).catch((error: unknown) => {
      deps.logger.warn({ err: error, requestId: c.get('requestId') }, 'idempotency key not recorded; a retry will find the movement by id')
    })
    return send(c, result)
  })
  return app
}

type Decision = { status: number; text: string }

function send(c: Context<GatewayEnv>, decision: Decision): Response {
  return c.body(decision.text, decision.status as 201, JSON_TYPE)
}

async function decide(apply: ApplyDeps, body: Uint8Array, usuario: string, movementId?: ObjectId): Promise<Decision> {
  let dados
  try {
    dados = parsePythonJson(body)
  } catch (error) {
    // Werkzeug's BadRequest, written by the legacy error handler (Python's default separators).
    if (error instanceof PyJsonError) return { status: 400, text: `${pythonJsonDumps({ erro: 'Requisição inválida' }, false)}\n` }
    throw error
  }
  const checked = checkMovementBody(dados)
  if (!checked.ok) return answer(400, { erro: checked.erro })
  const outcome = await applyMovement(apply, checked.input, usuario, movementId)
  return answer(outcome.status, outcome.body)
}

function answer(status: number, value: unknown): Decision {
  return { status, text: `${legacyJsonText(value)}\n` }
}

/** A takeover after a crash: if the earlier attempt's movement exists, answer with it instead of applying again. */
async function landedEarlier(db: Db, claim: Extract<Claim, { kind: 'new' }>): Promise<Decision | undefined> {
  const movement = await db.collection('movimentacoes').findOne({ _id: claim.movementId })
  if (!movement) return undefined
  const item = await db.collection('itens').findOne({ _id: movement.item_id })
  const [movimentacao] = await movementsJson(db, [movement])
  return answer(201, { movimentacao, item: item ? itemJson(item) : null })
}
