import { defineGroup } from '../../core/route.js'
import { movementsReport } from './report-route.js'

/** The movements report reads in the order the movements list's `data_desc_id_desc` index (routes/movimentacoes) gives, walked backwards. */
export const reportsGroup = defineGroup({ name: 'relatorios', routes: [movementsReport] })
