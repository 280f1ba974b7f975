import { z } from '@hono/zod-openapi'
import { MovementSchema } from '../shared/openapi.js'
import { KEY_FORMAT } from './idempotency.js'

// Documentation of the body: the checks themselves follow Python semantics (see create-validate.ts), which a
// JSON-Schema validator cannot express (float() of strings and bools, NaN literals, code-point lengths).
export const CreateBody = z
  .object({
    item_id: z.string().regex(/^[0-9a-fA-F]{24}$/).openapi({ example: '65f1c0ffee0000000000abce' }),
    tipo: z.enum(['entrada', 'saida', 'ajuste']),
    quantidade: z
      .union([z.number(), z.string(), z.boolean()])
      .openapi({ description: "Anything Python's float() accepts; > 0 for entrada/saida, >= 0 for ajuste", example: 5 }),
    observacao: z.string().nullable().optional().openapi({ description: 'At most 500 characters after strip()' }),
  })
  .openapi('NovaMovimentacao')

export const CreateHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(KEY_FORMAT)
    .optional()
    .openapi({
      description:
        'Optional. Printable ASCII, 1 to 255 characters, no leading or trailing space. A retry with the same key and body gets the first answer again; the same key with another body → 422; while the first request runs → 409.',
      example: 'c0a8012e-7f1b-4d2a-9b7e-3f5e2a1d9c44',
    }),
})

const Item = z
  .object({
    _id: z.string(),
    codigo: z.string(),
    nome: z.string(),
    categoria: z.string().nullable(),
    subcategoria: z.string().nullable(),
    unidade: z.string().nullable(),
    quantidade: z.number(),
    estoque_minimo: z.number(),
    ativo: z.boolean().nullable(),
    criado_em: z.string().nullable(),
    atualizado_em: z.string().nullable(),
  })
  .openapi('Item')

export const CreateResponse = z.object({ movimentacao: MovementSchema, item: Item }).openapi('MovimentacaoRegistrada')

export const InsufficientStock = z
  .object({ erro: z.literal('Estoque insuficiente'), disponivel: z.number() })
  .openapi('EstoqueInsuficiente')
