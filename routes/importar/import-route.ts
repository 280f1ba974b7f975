import { z } from '@hono/zod-openapi'
import { defineRoute } from '../../core/route.js'
import { httpErrorResponse, jsonErrorResponse, jsonResponse } from '../../core/legacy-json.js'
import { errorResponse, UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { importCsv } from './import-csv.js'
import { ImportInterrupted } from './import-writes.js'
import { readUpload, type UploadLimits } from './upload.js'

/** The legacy app's limits (Flask MAX_CONTENT_LENGTH as the legacy sets it; Werkzeug 3.1 form defaults). */
export const IMPORT_LIMITS: UploadLimits = { maxContentLength: 32 * 1024 * 1024, maxFormMemorySize: 500_000, maxFormParts: 1000 }

const ImportResponse = z
  .object({
    atualizados: z.number().int(),
    bytes: z.number().int(),
    criados: z.number().int(),
    erros: z.array(z.object({ erro: z.string(), linha: z.number().int() })),
    sha256: z.string(),
  })
  .openapi('Importacao')

/**
 * `POST /api/importar` (api_importacao.importar): multipart upload, field `arquivo`, a CSV of items. The
 * upload is streamed to a temporary file and hashed on the way; the rows are then read as Python's csv
 * module reads them and written in batches of 500, keyed on `codigo`; a changed stock is written through the
 * movements' compare-and-set path with an `ajuste` movement (import-writes.ts).
 */
export const importItems = defineRoute({
  name: 'importar',
  methods: ['POST'],
  rule: '/api/importar',
  mode: 'migrated',
  auth: 'login_required',
  bodyLimitBytes: IMPORT_LIMITS.maxContentLength,
  body: 'streamed',
  openapi: {
    tags: ['estoque'],
    summary: 'Create or update items from a CSV (codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo)',
    request: { body: { content: { 'multipart/form-data': { schema: z.object({ arquivo: z.string().openapi({ format: 'binary' }) }) } } } },
    responses: {
      200: { description: 'Counts, per-line errors (first 100), size and sha256 of the file', content: { 'application/json': { schema: ImportResponse } } },
      400: errorResponse('Arquivo não enviado'),
      401: UnauthenticatedResponse,
      413: errorResponse('Requisição muito grande (over 32 MiB, over 1,000 parts, a form field over 500,000 bytes)'),
      503: UnavailableResponse,
    },
  },
  async handle(ctx) {
    const upload = await readUpload(ctx.request, IMPORT_LIMITS)
    if (upload.kind === 'too-large') return httpErrorResponse(413)
    if (upload.kind === 'no-file') return jsonErrorResponse('Arquivo não enviado')
    try {
      const result = await ctx.database(() => importCsv(ctx.db, upload.file, ctx.user!.email))
      return jsonResponse({ ...result, criados: BigInt(result.criados), atualizados: BigInt(result.atualizados), bytes: BigInt(upload.bytes), sha256: upload.sha256 })
    } catch (error) {
      // Graceful shutdown past its write cutoff: the rows before are written; importing the file again is safe.
      if (error instanceof ImportInterrupted) return jsonErrorResponse('Serviço reiniciando, tente novamente', 503, {}, { 'retry-after': '1', connection: 'close' })
      throw error
    } finally {
      await upload.cleanup()
    }
  },
})
