import { defineGroup } from '../../core/route.js'
import { ensureItemIndexes } from '../shared/item-indexes.js'
import { importItems } from './import-route.js'

// The upserts find a row's item by codigo: the items' unique index (shared with the item routes).
export const importGroup = defineGroup({ name: 'importar', routes: [importItems], ensureIndexes: ensureItemIndexes })
