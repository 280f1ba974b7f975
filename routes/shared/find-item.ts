import type { Db, Document, FindOptions } from 'mongodb'
import { isObjectIdHex, toObjectId } from '../../compat/bson/object-id.js'
import { ITEM_PROJECTION } from './item-json.js'
import { itemsCollection } from './collections.js'

/** The item's `_id` for a legacy id string, or undefined where `ObjectId.is_valid` is false (→ not found). */
export function legacyItemId(itemId: string) {
  return isObjectIdHex(itemId) ? toObjectId(itemId) : undefined
}

/**
 * `_buscar_item(item_id)` of the legacy api_estoque.py: None for an id `ObjectId.is_valid` refuses, else the
 * item with that `_id` (active or not), numbers with their BSON types.
 */
export async function findItemByLegacyId(db: Db, itemId: string, options: FindOptions = {}): Promise<Document | null> {
  const _id = legacyItemId(itemId)
  if (!_id) return null
  return itemsCollection(db).findOne({ _id }, { projection: ITEM_PROJECTION, promoteValues: false, ...options })
}
