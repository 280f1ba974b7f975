import { defineGroup } from '../../core/route.js'
import { ensureDashboardIndexes } from './indexes.js'
import { dashboard } from './route.js'

export const dashboardGroup = defineGroup({ name: 'dashboard', routes: [dashboard], ensureIndexes: ensureDashboardIndexes })
