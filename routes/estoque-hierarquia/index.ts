import { defineGroup } from '../../core/route.js'
import { ensureHierarchyIndexes } from './indexes.js'
import { hierarchy } from './route.js'

export const hierarchyGroup = defineGroup({ name: 'estoque-hierarquia', routes: [hierarchy], ensureIndexes: ensureHierarchyIndexes })
