import { z, type RouteConfig } from '@hono/zod-openapi'
import type { Db, ObjectId } from 'mongodb'
import { defineRoute } from '../../core/route.js'
import type { Logger } from '../../core/logger.js'
import { httpErrorResponse, jsonErrorResponse, legacyJsonText } from '../../core/legacy-json.js'
import { pythonJsonDumps } from '../../compat/python/json-encode.js'
import { replicaSetDetector } from '../shared/replica-set.js'
import { movementsJson } from '../shared/movements-json.js'
import { ErrorSchema, UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { PyJsonError, parsePythonJson } from '../../compat/python/json-decode.js'
import { MovementInsertError, applyMovement, itemJson, type ApplyDeps } from './apply-movement.js'
import { checkMovementBody, isJsonMimetype, mimetypeOf } from './create-validate.js'
import { CreateBody, CreateResponse, InsufficientStock } from './create-schemas.js'
import { IdempotencyStore, fingerprint, isValidIdempotencyKey, type Claim } from './idempotency.js'

const openapi = {
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
} satisfies Omit<RouteConfig, "method" | "path">

/** `POST /api/movimentacoes` (api_movimentacoes.registrar): atomic, with an optional Idempotency-Key. */
export const createMovement = defineRoute({
  name: 'movimentacoes-create',
  methods: ['POST'],
  rule: '/api/movimentacoes',
  mode: 'migrated',
  auth: 'login_required',
  // Documented only: the body is decoded and checked with Python semantics in the handler, in the legacy
  // order (415 before 413 before 400), which a JSON validator middleware would not reproduce.
  openapi,
  async handle(ctx) {
    const key = ctx.request.headers.get('idempotency-key') ?? undefined
    if (key !== undefined && !isValidIdempotencyKey(key)) return jsonErrorResponse('Chave de idempotência inválida', 400)
    const contentType = ctx.request.headers.get('content-type') ?? undefined
    // Flask's get_json() refuses a non-JSON content type before reading the body.
    if (!isJsonMimetype(contentType)) return httpErrorResponse(415)
    const body = await ctx.body()
    const user = ctx.user!
    const apply: ApplyDeps = { db: ctx.db, client: ctx.db.client, logger: ctx.logger, usesTransactions: transactionsOf(ctx.db, ctx.logger) }
    if (key === undefined) return send(await decide(apply, body, user.email))

    const store = new IdempotencyStore(ctx.db)
    const claim = await store.claim(user.id, key, fingerprint(mimetypeOf(contentType), body))
    if (claim.kind === 'replay') return new Response(claim.response.body, { status: claim.response.status, headers: { ...JSON_TYPE, 'idempotent-replayed': 'true' } })
    if (claim.kind === 'mismatch') return jsonErrorResponse('Chave de idempotência reutilizada com outro conteúdo', 422)
    if (claim.kind === 'in-progress') return jsonErrorResponse('Requisição com esta chave de idempotência ainda em andamento', 409)

    let result: Decision
    try {
      result = (claim.takeover && (await landedEarlier(ctx.db, claim))) || (await decide(apply, body, user.email, claim.movementId))
    } catch (error) {
      // Nothing was written unless the movement insert failed after the stock update; then the key stays
      // pending until the background compensation is over (its lease), and a retry gets 409 meanwhile.
      if (!(error instanceof MovementInsertError)) await store.release(claim.id).catch(() => undefined)
      throw error instanceof MovementInsertError ? error.cause : error
    }
    await store.complete(claim.id, { status: result.status, body: result.text }).catch((error: unknown) => {
      ctx.logger.warn({ err: error, requestId: ctx.requestId }, 'idempotency key not recorded; a retry will find the movement by id')
    })
    return send(result)
  },
})

const JSON_TYPE = { 'content-type': 'application/json' }

/** One replica-set detector per database handle (the transaction branch needs a replica set). */
const detectors = new WeakMap<Db, () => Promise<boolean>>()
function transactionsOf(db: Db, logger: Logger): () => Promise<boolean> {
  let detector = detectors.get(db)
  if (!detector) detectors.set(db, (detector = replicaSetDetector(db, logger)))
  return detector
}

type Decision = { status: number; text: string }

function send(decision: Decision): Response {
  return new Response(decision.text, { status: decision.status, headers: JSON_TYPE })
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
