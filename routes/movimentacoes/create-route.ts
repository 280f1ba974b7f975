import { z, type RouteConfig } from '@hono/zod-openapi'
import { defineRoute } from '../../core/route.js'
import { httpErrorResponse, jsonErrorResponse } from '../../core/legacy-json.js'
import { ErrorSchema, UnauthenticatedResponse, UnavailableResponse, errorResponse } from '../shared/openapi.js'
import { isJsonMimetype, mimetypeOf } from './create-validate.js'
import { CreateBody, CreateHeaders, CreateResponse, InsufficientStock } from './create-schemas.js'
import { isValidIdempotencyKey } from './idempotency.js'
import { recordMovement } from './record-movement.js'

const openapi = {
  tags: ['movimentacoes'],
  summary: 'Register an entrada, saída or ajuste (atomic; optional Idempotency-Key)',
  request: {
    headers: CreateHeaders,
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
    const user = ctx.user!
    const recorded = await recordMovement(
      { db: ctx.db, logger: ctx.logger, leaseMs: ctx.settings.idempotencyLeaseMs },
      { userId: user.id, email: user.email, key, mimetype: mimetypeOf(contentType), body: await ctx.body() },
    )
    return new Response(recorded.text, { status: recorded.status, headers: { ...JSON_TYPE, ...recorded.headers } })
  },
})

const JSON_TYPE = { 'content-type': 'application/json' }
