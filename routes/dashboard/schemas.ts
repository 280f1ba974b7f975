import { z } from '@hono/zod-openapi'
import { MovementSchema, stockLineFields } from '../shared/openapi.js'

const BelowMinimum = z.object(stockLineFields).openapi('ItemAbaixoMinimo')

const Day = z
  .object({ data: z.string().openapi({ example: '2026-11-17' }), entradas: z.number(), saidas: z.number() })
  .openapi('MovimentacaoPorDia')

export const DashboardResponse = z
  .object({
    total_itens: z.number().int(),
    quantidade_total: z.number(),
    itens_abaixo_minimo: z.number().int(),
    lista_abaixo_minimo: z.array(BelowMinimum).max(10),
    movimentacoes_hoje: z.number().int(),
    ultimas_movimentacoes: z.array(MovementSchema).max(10),
    por_dia: z.array(Day).length(7),
  })
  .openapi('Dashboard')
