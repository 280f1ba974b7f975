import { z } from '@hono/zod-openapi'

/**
 * A query parameter as documented. The real checks run in the handler, in the legacy order and with
 * Werkzeug's decoding; the schema stays lenient (a repeated key arrives as an array; the first value wins).
 */
export function queryParam(description: string, example?: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ description, ...(example === undefined ? {} : { example }) })
}

export const ErrorSchema = z
  .object({ erro: z.string().openapi({ example: 'Tipo inválido' }) })
  .openapi('Erro', { description: 'The legacy error body: `{"erro": "<mensagem>"}`' })

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorSchema } },
})

export const UnauthenticatedResponse = errorResponse('Não autenticado (no valid session cookie)')
export const UnavailableResponse = errorResponse('Banco de dados indisponível (MongoDB unreachable)')

/** The fields of stockLineJson() (routes/shared/stock-line-json.ts), in its key order. */
export const stockLineFields = {
  _id: z.string(),
  codigo: z.string(),
  nome: z.string(),
  unidade: z.string().nullable(),
  quantidade: z.number(),
  estoque_minimo: z.number(),
}

export const MovementSchema = z
  .object({
    _id: z.string().openapi({ example: '65f1c0ffee0000000000abcd' }),
    item_id: z.string(),
    item_codigo: z.string().nullable(),
    item_nome: z.string().nullable(),
    tipo: z.enum(['entrada', 'saida', 'ajuste']),
    quantidade: z.number(),
    data: z.string().openapi({ description: 'HTTP-date in GMT, to the second', example: 'Mon, 23 Nov 2026 14:05:00 GMT' }),
    usuario: z.string().nullable(),
    observacao: z.string().nullable(),
    estoque_anterior: z.number().nullable(),
    estoque_posterior: z.number().nullable(),
  })
  .openapi('Movimentacao')
