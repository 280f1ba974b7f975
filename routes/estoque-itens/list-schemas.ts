import { z } from '@hono/zod-openapi'
import { ItemSchema } from '../shared/item-json.js'
import { queryParam } from '../shared/openapi.js'

export const EstoqueItensListQuery = z.object({
  q: queryParam('Search in codigo or nome: case-insensitive, literal (regex characters escaped as Python re.escape does); surrounding whitespace ignored', 'parafuso'),
  categoria: queryParam('Only this category (exact, as stored)', 'Elétrica'),
})

/** The 200 body: active items sorted by codigo. */
export const EstoqueItensListResponse = z.object({ itens: z.array(ItemSchema) }).openapi('ListaItens')
