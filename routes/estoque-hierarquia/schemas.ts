import { z } from '@hono/zod-openapi'
import { queryParam, stockLineFields } from '../shared/openapi.js'

export const HierarchyQuery = z.object({
  incluir_inativos: queryParam('`true`/`1`/`sim` include inactive items; `false`/`0`/`nao` (default) exclude them; case-insensitive', 'false'),
  categoria: queryParam('Only this category, by its displayed name ("Sem categoria" for items without one)', 'Elétrica'),
})

const Totals = {
  total_itens: z.number().int(),
  quantidade_total: z.number(),
  abaixo_minimo: z.number().int(),
}

const HierarchyItem = z
  .object({
    ...stockLineFields,
    abaixo_minimo: z.boolean(),
    ativo: z.boolean().nullable(),
  })
  .openapi('ItemHierarquia')

const Subcategory = z.object({ nome: z.string(), ...Totals, itens: z.array(HierarchyItem) }).openapi('Subcategoria')
const Category = z.object({ nome: z.string(), ...Totals, subcategorias: z.array(Subcategory) }).openapi('Categoria')

export const HierarchyResponse = z.object({ categorias: z.array(Category), ...Totals }).openapi('Hierarquia')
