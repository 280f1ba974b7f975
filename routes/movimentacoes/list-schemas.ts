import { z } from '@hono/zod-openapi'
import { MovementSchema, queryParam } from '../shared/openapi.js'

export const ListQuery = z.object({
  item: queryParam('Item `_id` (24 hex digits)'),
  tipo: queryParam('`entrada`, `saida` or `ajuste`'),
  inicio: queryParam('First day (YYYY-MM-DD, UTC), inclusive', '2026-11-01'),
  fim: queryParam('Last day (YYYY-MM-DD, UTC), inclusive', '2026-11-30'),
  pagina: queryParam('Page number (Python int, default 1; below 1 becomes 1; not an int → default)', '1'),
  por_pagina: queryParam('Page size (default 20, clamped to 1..100; not an int → default)', '20'),
})

export const ListResponse = z
  .object({
    movimentacoes: z.array(MovementSchema),
    pagina: z.number().int(),
    por_pagina: z.number().int(),
    total: z.number().int(),
    paginas: z.number().int(),
  })
  .openapi('ListaMovimentacoes')
