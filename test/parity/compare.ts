import { BSON, type Document } from 'mongodb'

const { EJSON } = BSON

/** JSON values in a form where toEqual also sees -0 vs 0 and int-vs-float does not matter (JSON numbers). */
export function canonical(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : value
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
  }
  return value
}

export type Answer = { status: number; contentType: string | null; upstream: string | null; json: unknown; text: string }

export async function answer(response: Response): Promise<Answer> {
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = { notJson: text.slice(0, 200) }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    upstream: response.headers.get('x-gateway-upstream'),
    json,
    text,
  }
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/

/** A 201 body without what legitimately differs between twins (generated id, timestamps), checking their form. */
export function withoutGenerated(json: unknown): unknown {
  if (!json || typeof json !== 'object' || !('movimentacao' in json)) return json
  const { movimentacao, item } = json as { movimentacao: Record<string, unknown>; item: Record<string, unknown> }
  const { _id, data, ...mov } = movimentacao
  const { atualizado_em, ...rest } = item
  return {
    movimentacao: { ...mov, _id: /^[0-9a-f]{24}$/.test(String(_id)), data: HTTP_DATE.test(String(data)) },
    item: { ...rest, atualizado_em: HTTP_DATE.test(String(atualizado_em)) },
  }
}

/** Stored documents with BSON types made visible (int vs double), timestamps replaced by "changed since". */
export function storedForm(docs: Document[], since: Date, drop: string[]): unknown[] {
  return docs.map((doc) => {
    const copy: Document = { ...doc }
    for (const field of drop) {
      const value = copy[field]
      copy[field] = value instanceof Date ? (value.getTime() > since.getTime() ? 'new' : 'seeded') : value
    }
    return EJSON.serialize(copy, { relaxed: false })
  })
}
