import type { Db } from 'mongodb'
import { defineGroup } from '../../core/route.js'
import { createMovement } from './create-route.js'
import { ensureIdempotencyIndexes } from './idempotency.js'
import { ensureMovementIndexes } from './indexes.js'
import { listMovements } from './list-route.js'
import { ensurePendingMovementIndexes } from '../shared/pending-movements.js'

export const movementsGroup = defineGroup({
  name: 'movimentacoes',
  routes: [listMovements, createMovement],
  async ensureIndexes(db: Db) {
    await ensureMovementIndexes(db)
    await ensureIdempotencyIndexes(db)
    await ensurePendingMovementIndexes(db)
  },
})
