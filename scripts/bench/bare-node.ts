/**
 * Framework-cost reference for the benchmark: a bare `node:http` server running the gateway's own queries,
 * serializer and session check for the migrated routes the benchmark drives (reads, writes and the CSV import) — no Hono, no dispatcher, no middleware,
 * no logging, no metrics. What the gateway could reach if routing and middleware cost nothing.
 * It reads the gateway's own configuration (PORT, MONGODB_URI, MONGODB_DB, SECRET_KEY, WEB_CONCURRENCY:
 * node:cluster workers) and opens MongoDB through the gateway's own client, so both send the same commands:
 * the read and write concerns travel in each one, and the driver's work per operation depends on them.
 */
import cluster from 'node:cluster'
import http from 'node:http'
import { Readable } from 'node:stream'
import type { Db } from 'mongodb'
import { loadConfig } from '../../gateway/config/config.js'
import { createMongo } from '../../gateway/mongo/mongo.js'
import { getCookie } from '../../compat/werkzeug/cookies.js'
import { SESSION_COOKIE_NAME } from '../../compat/flask/session.js'
import { createSessionOpener } from '../../core/auth/session-opener.js'
import { sessionUserObjectId } from '../../core/auth/session-user-id.js'
import { sessionSecretKeys } from '../../core/auth/require-user.js'
import { createUserLookup, type UserDoc } from '../../core/auth/user-lookup.js'
import { startOfUtcDay } from '../../compat/werkzeug/http-date.js'
import { legacyJsonText } from '../../core/legacy-json.js'
import { movementsJson } from '../../routes/shared/movements-json.js'
import { parseArgs, rawQueryOf } from '../../compat/werkzeug/query-string.js'
import { nonEmptyArg } from '../../compat/werkzeug/query-string.js'
import { dashboardBody } from '../../routes/dashboard/body.js'
import { buildTree } from '../../routes/estoque-hierarquia/build-tree.js'
import { findHierarchyItems } from '../../routes/estoque-hierarquia/query.js'
import { parseListRequest } from '../../routes/movimentacoes/list-filter.js'
import { findMovementPage } from '../../routes/movimentacoes/list-query.js'
import { findListedItems } from '../../routes/estoque-itens/list-handler.js'
import { findItemByLegacyId } from '../../routes/shared/find-item.js'
import { itemJson } from '../../routes/shared/item-json.js'
import { isPyObject, parsePythonJson, type PyJson } from '../../compat/python/json-decode.js'
import { checkMovementBody } from '../../routes/movimentacoes/create-validate.js'
import { applyMovement } from '../../routes/movimentacoes/apply-movement.js'
import { isJsonMimetype } from '../../routes/shared/legacy-json-body.js'
import { legacyItemId } from '../../routes/shared/find-item.js'
import { checkItemChanges, checkNewItem } from '../../routes/estoque-itens/item-input.js'
import { updateItem } from '../../routes/estoque-itens/update-handler.js'
import { insertNewItem } from '../../routes/estoque-itens/create-handler.js'
import { deactivateItem } from '../../routes/estoque-itens/delete-handler.js'
import { IMPORT_LIMITS } from '../../routes/importar/import-route.js'
import { importCsv } from '../../routes/importar/import-csv.js'
import { readUpload } from '../../routes/importar/upload.js'

const config = loadConfig(process.env)
const workers = config.WEB_CONCURRENCY
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM')
    process.exit(0)
  })
} else {
  const { db } = createMongo(config)
  const secretKeys = sessionSecretKeys(config)
  // The gateway's own user lookup and cache settings, so both run the same queries.
  const openSession = createSessionOpener({ secretKeys, maxEntries: config.SESSION_COOKIE_CACHE_MAX })
  const findUser = createUserLookup(db.collection<UserDoc>('usuarios'), { ttlMs: config.SESSION_USER_CACHE_TTL_MS, maxEntries: config.SESSION_USER_CACHE_MAX })

  // `text`: a body already encoded (the movement write answers with its exact JSON text).
  const send = (res: http.ServerResponse, status: number, value: unknown, text?: string) => {
    const body = text ?? `${legacyJsonText(value)}\n`
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  const ITEM_PREFIX = '/api/estoque/itens/'
  type Handler = (db: Db, args: Map<string, string>, path: string, user: UserDoc, body: PyJson) => Promise<[number, unknown, string?]>
  const handlers: Record<string, Handler> = {
    '/api/dashboard': async (db) => [200, await dashboardBody(db, startOfUtcDay(new Date()))],
    '/api/estoque/hierarquia': async (db, args) => {
      const incluir = (args.get('incluir_inativos') ?? 'false').toLowerCase()
      const include = ['true', '1', 'sim'].includes(incluir)
      if (!include && !['false', '0', 'nao'].includes(incluir)) return [400, { erro: 'Parâmetro inválido: incluir_inativos' }]
      return [200, buildTree(await findHierarchyItems(db, include), nonEmptyArg(args, 'categoria'))]
    },
    '/api/movimentacoes': async (db, args) => {
      const request = parseListRequest(args)
      if (!request.ok) return [request.status, { erro: request.erro }]
      const { total, docs } = await findMovementPage(db, request.filter, request.skip, request.porPagina)
      // Python ints are bigints for the encoder (a JS number is a Python float).
      const count = BigInt(total)
      return [200, { movimentacoes: await movementsJson(db, docs), pagina: request.pagina, por_pagina: request.porPagina, total: count, paginas: (count + request.porPagina - 1n) / request.porPagina }]
    },
    '/api/estoque/itens': async (db, args) => {
      return [200, { itens: (await findListedItems(db, args)).map(itemJson) }]
    },
    // `/api/estoque/itens/<item_id>`: the id is the path's last segment.
    [ITEM_PREFIX]: async (db, _args, path) => {
      const item = await findItemByLegacyId(db, path.slice(ITEM_PREFIX.length))
      return item ? [200, itemJson(item)] : [404, { erro: 'Item não encontrado' }]
    },
  }
  // The writes: the gateway's own checks and writes (its stock compare-and-set, its one findOneAndUpdate).
  const writes: Record<string, Handler> = {
    'POST /api/movimentacoes': async (db, _args, _path, user, body) => {
      const checked = checkMovementBody(body)
      if (!checked.ok) return [400, { erro: checked.erro }]
      const outcome = await applyMovement(db, checked.input, user.email)
      return [outcome.status, undefined, outcome.text]
    },
    [`PUT ${ITEM_PREFIX}`]: async (db, _args, path, _user, body) => {
      const _id = legacyItemId(path.slice(ITEM_PREFIX.length))
      if (!isPyObject(body) || !_id) return [400, { erro: 'Dados inválidos' }]
      const checked = checkItemChanges(body)
      if (!checked.ok) return [400, { erro: checked.erro }]
      const updated = await updateItem(db, _id, checked.value)
      return updated ? [200, updated] : [404, { erro: 'Item não encontrado' }]
    },
    'POST /api/estoque/itens': async (db, _args, _path, _user, body) => {
      const checked = checkNewItem(body)
      if (!checked.ok) return [400, { erro: checked.erro }]
      const created = await insertNewItem(db, checked.value)
      return created ? [201, created] : [409, { erro: 'Código já existe' }]
    },
    // The body is never read, as in the legacy view.
    [`DELETE ${ITEM_PREFIX}`]: async (db, _args, path) => {
      const _id = legacyItemId(path.slice(ITEM_PREFIX.length))
      return _id && (await deactivateItem(db, _id)) ? [200, { ok: true }] : [404, { erro: 'Item não encontrado' }]
    },
  }
  // The CSV import streams its upload: the gateway's own multipart reader, CSV reader and batch writes.
  const importUpload = async (db: Db, req: http.IncomingMessage, user: UserDoc): Promise<[number, unknown]> => {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value)
    const request = new Request(`http://bare${req.url}`, { method: 'POST', headers, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit)
    const upload = await readUpload(request, IMPORT_LIMITS)
    if (upload.kind === 'too-large') return [413, { erro: 'Requisição muito grande' }]
    if (upload.kind === 'no-file') return [400, { erro: 'Arquivo não enviado' }]
    try {
      const result = await importCsv(db, upload.file, user.email)
      return [200, { ...result, criados: BigInt(result.criados), atualizados: BigInt(result.atualizados), bytes: BigInt(upload.bytes), sha256: upload.sha256 }]
    } finally {
      await upload.cleanup()
    }
  }
  const readBody = async (req: http.IncomingMessage): Promise<PyJson> => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    return parsePythonJson(Buffer.concat(chunks))
  }

  const server = http.createServer(async (req, res) => {
    try {
      const target = req.url ?? '/'
      const q = target.indexOf('?')
      const path = q === -1 ? target : target.slice(0, q)
      if (path === '/healthz') return void res.end('ok')
      const route = path.startsWith(ITEM_PREFIX) && path.indexOf('/', ITEM_PREFIX.length) === -1 ? ITEM_PREFIX : path
      const uploads = req.method === 'POST' && path === '/api/importar'
      const handler = req.method === 'GET' ? handlers[route] : writes[`${req.method} ${route}`]
      if (!handler && !uploads) return send(res, 404, { erro: 'Recurso não encontrado' })
      const reads = req.method === 'GET' || req.method === 'DELETE'
      if (!reads && !uploads && !isJsonMimetype(req.headers['content-type'])) return send(res, 415, { erro: 'Tipo de conteúdo não suportado' })
      const session = openSession(getCookie(req.headers.cookie, SESSION_COOKIE_NAME))
      const userId = session.ok ? sessionUserObjectId(session.data._user_id) : null
      const user = userId ? await findUser(userId) : null
      if (!user) return send(res, 401, { erro: 'Não autenticado' })
      if (uploads) return send(res, ...(await importUpload(db, req, user)))
      const body = reads ? null : await readBody(req)
      const [status, value, text] = await handler!(db, parseArgs(rawQueryOf(target)), path, user, body)
      send(res, status, value, text)
    } catch {
      if (!res.headersSent) send(res, 500, { erro: 'Erro interno' })
    }
  })
  server.keepAliveTimeout = 65_000
  server.listen(config.PORT, '127.0.0.1')
  process.on('SIGTERM', () => process.exit(0))
}
