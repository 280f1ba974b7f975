import { z } from '@hono/zod-openapi'
import { errorResponse } from '../shared/openapi.js'

const number = (description: string) =>
  z.union([z.number(), z.string(), z.boolean(), z.null()]).optional().openapi({ description: `${description}; Python float(): numbers, numeric strings (" 1e3 ", "1_000"), booleans as 0/1; finite, ≥ 0; null or "" → 0` })
const text = (description: string) => z.string().nullable().optional().openapi({ description: `${description}; stripped, empty → null` })
const unidade = z.enum(['un', 'kg', 'm', 'l', 'cx'])

export const NewItemBody = z
  .object({
    codigo: z.string().openapi({ description: 'Unique; stripped', example: 'ELE-0100' }),
    nome: z.string().openapi({ description: 'Stripped', example: 'Disjuntor 20 A' }),
    categoria: text('Category'),
    subcategoria: text('Subcategory'),
    unidade: unidade.nullable().optional().openapi({ description: 'Default (also for any false-y value) "un"' }),
    quantidade: number('Starting stock'),
    estoque_minimo: number('Minimum stock'),
  })
  .openapi('NovoItem')

export const ItemChangesBody = z
  .object({
    nome: z.string().optional(),
    categoria: text('Category'),
    subcategoria: text('Subcategory'),
    unidade: unidade.optional(),
    estoque_minimo: number('Minimum stock'),
  })
  .openapi('AlteracoesItem', { description: 'Only the fields sent change; `quantidade` changes only through movements' })

export const ItemIdParams = z.object({
  item_id: z.string().openapi({ description: '24 hex digits, either case (anything else: 404)', example: '65f1c0ffee0000000000abcd' }),
})

export const BodyErrors = {
  413: errorResponse('Requisição muito grande (body over BODY_LIMIT_BYTES)'),
  415: errorResponse('Tipo de conteúdo não suportado (not application/json or application/*+json)'),
}
