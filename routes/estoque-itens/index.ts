import { defineGroup } from '../../core/route.js'
import { estoqueItensCreate } from './create-route.js'
import { estoqueItensDelete } from './delete-route.js'
import { estoqueItensGet } from './get-route.js'
import { ensureItemIndexes } from '../shared/item-indexes.js'
import { estoqueItensList } from './list-route.js'
import { estoqueItensUpdate } from './update-route.js'

export const estoqueItensGroup = defineGroup({
  name: 'estoque-itens',
  routes: [estoqueItensList, estoqueItensCreate, estoqueItensGet, estoqueItensUpdate, estoqueItensDelete],
  ensureIndexes: ensureItemIndexes,
})
