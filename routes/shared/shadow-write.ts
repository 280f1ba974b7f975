import type { Db } from 'mongodb'
import { jsonResponse } from '../../core/legacy-json.js'
import { findItemByLegacyId } from './find-item.js'
import { itemJson } from './item-json.js'

/** The header a shadow run's would-be answer carries: the request passed validation and nothing was written. */
export const WOULD_WRITE_HEADER = 'x-gateway-shadow'

/**
 * A write handler's answer in a shadow run (`ctx.shadow`), where it would write: the status it would give,
 * no body. The comparator only compares it when the legacy refused the write (then a 2xx here is a real
 * disagreement); an accepted legacy write is compared by its stored effect (readBackItem).
 */
export function wouldWrite(status: number): Response {
  return new Response(null, { status, headers: { [WOULD_WRITE_HEADER]: 'would-write' } })
}

/**
 * The stored effect of an accepted legacy write that answers with an item: the same item read back by the
 * `_id` in the legacy's answer, as the gateway would show it (byte-identical when the legacy stored what it said).
 */
export function readBackItem(status: number) {
  return async (db: Db, legacyAnswer: unknown): Promise<Response | undefined> => {
    const id = legacyAnswer && typeof legacyAnswer === 'object' ? (legacyAnswer as Record<string, unknown>)._id : undefined
    if (typeof id !== 'string') return undefined
    const item = await findItemByLegacyId(db, id)
    return item ? jsonResponse(itemJson(item), status) : jsonResponse({ erro: 'Item não encontrado' }, 404)
  }
}
