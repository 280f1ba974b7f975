import type { Db } from 'mongodb'
import type { RouteDeclaration, RouteGroup } from '../core/route.js'
import { dashboardGroup } from './dashboard/index.js'
import { hierarchyGroup } from './estoque-hierarquia/index.js'
import { loginGroup } from './login/index.js'
import { movementsGroup } from './movimentacoes/index.js'
import { reportsGroup } from './relatorios/index.js'
import { estoqueItensGroup } from './estoque-itens/index.js'
import { importGroup } from './importar/index.js'
import { meGroup } from './me/index.js'

/** Every migrated route group: the one list the router, OpenAPI, docs and the parity suite derive from. */
export const routeGroups: readonly RouteGroup[] = [hierarchyGroup, movementsGroup, dashboardGroup, loginGroup, reportsGroup, estoqueItensGroup, meGroup, importGroup]

export const routeDeclarations: readonly RouteDeclaration[] = routeGroups.flatMap((group) => group.routes)

/** Every index the migrated routes rely on (idempotent: createIndex on an existing index is a no-op). */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const group of routeGroups) await group.ensureIndexes?.(db)
}
