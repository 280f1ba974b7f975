import { defineGroup } from '../../core/route.js'
import { importItems } from './import-route.js'
import { ensureImportIndexes } from './import-writes.js'

export const importGroup = defineGroup({ name: 'importar', routes: [importItems], ensureIndexes: ensureImportIndexes })
