import type { Db } from 'mongodb'
import { DAY_MS } from '../../compat/werkzeug/http-date.js'
import { movementsJson } from '../shared/movements-json.js'
import { findItemColumns, findWeekColumns } from './columns.js'
import { countMovementsBetween, findActiveItems, findLatestMovements, findWeekMovements } from './queries.js'
import { perDay, summarizeItemColumns, summarizeItems, weekRows } from './summarize.js'

/** The dashboard's body for the UTC day `today` (the route's handler, and the bench's bare node:http contender). */
export async function dashboardBody(db: Db, today: Date) {
  const tomorrow = new Date(today.getTime() + DAY_MS)
  const weekStart = new Date(today.getTime() - 6 * DAY_MS)
  // Independent queries run concurrently; any rejection (e.g. MongoDB down) becomes the route's error answer,
  // and Python's rules run once every query has answered (a database error wins over a PythonError). The sums
  // come from columns (columns.ts), or from the documents, as the legacy reads them, where those cannot stand.
  const [itemColumns, movimentacoesHoje, ultimas, semana] = await Promise.all([
    findItemColumns(db),
    countMovementsBetween(db, today, tomorrow),
    findLatestMovements(db, 10).then((movs) => movementsJson(db, movs)),
    findWeekColumns(db, weekStart, tomorrow).then((columns) => (columns ? weekRows(columns) : findWeekMovements(db, weekStart, tomorrow))),
  ])
  const itens = (itemColumns && summarizeItemColumns(itemColumns)) ?? summarizeItems(await findActiveItems(db))
  return {
    total_itens: itens.total_itens,
    quantidade_total: itens.quantidade_total,
    itens_abaixo_minimo: itens.itens_abaixo_minimo,
    lista_abaixo_minimo: itens.lista_abaixo_minimo,
    movimentacoes_hoje: BigInt(movimentacoesHoje),
    ultimas_movimentacoes: ultimas,
    por_dia: perDay(today, semana),
  }
}
