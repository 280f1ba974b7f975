/**
 * Redaction of personal data in text the gateway keeps or shows about requests (shadow mismatch samples on
 * /_gateway/status): e-mail addresses anywhere, and the values of fields that name or identify a person.
 * Item names, quantities and dates stay, so a sample still shows what differed.
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
const PERSONAL_FIELD = /^(?:e-?mail|usuario|usuario_nome|nome_usuario|user|username|user_name|responsavel|senha|password|senha_hash|token|remember_token|cpf|telefone|phone)$/i

export const REDACTED = '[redacted]'
export const REDACTED_EMAIL = '[email]'

/** Every e-mail address in `text` replaced. */
export function redactText(text: string): string {
  return text.replace(EMAIL, REDACTED_EMAIL)
}

/** A JSON value with personal fields and e-mail addresses replaced (structure and other values kept). */
export function redactJson(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value)
  if (Array.isArray(value)) return value.map(redactJson)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, field]) => [key, PERSONAL_FIELD.test(key) && field !== null ? REDACTED : redactJson(field)]),
    )
  }
  return value
}

/** A body as text: JSON is redacted field by field, anything else (HTML, truncated JSON) for e-mails. */
export function redactBody(text: string): string {
  try {
    return JSON.stringify(redactJson(JSON.parse(text)))
  } catch {
    return redactText(text)
  }
}

export type Redactor = {
  text(text: string): string
  json(value: unknown): unknown
  body(text: string): string
  /** A field name that is personal (built-in list or configured). */
  isPersonal(field: string): boolean
  /** The redactor for one route's bodies: adds the fields configured as `route:field`. */
  forRoute(route: string): Redactor
}

/**
 * The same redaction with more field names counted as personal (SHADOW_REDACT_FIELDS: a deployment's own
 * `nome_cliente`, `endereco` …), matched case-insensitively on the field name. An entry `route:field`
 * applies to that route's bodies only (`me:nome`: a user's name there, an item's name elsewhere).
 */
export function createRedactor(extraFields: readonly string[] = []): Redactor {
  const everywhere = new Set<string>()
  const byRoute = new Map<string, Set<string>>()
  for (const entry of extraFields) {
    const [route, field] = entry.includes(':') ? entry.split(':', 2) : [undefined, entry]
    if (!field) continue
    if (route === undefined) everywhere.add(field.toLowerCase())
    else byRoute.set(route, new Set([...(byRoute.get(route) ?? []), field.toLowerCase()]))
  }
  const build = (fields: ReadonlySet<string>): Redactor => {
    const isPersonal = (field: string) => PERSONAL_FIELD.test(field) || fields.has(field.toLowerCase())
    const json = (value: unknown): unknown => {
      if (typeof value === 'string') return redactText(value)
      if (Array.isArray(value)) return value.map(json)
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, field]) => [key, isPersonal(key) && field !== null ? REDACTED : json(field)]))
      }
      return value
    }
    return {
      text: redactText,
      json,
      isPersonal,
      body(text) {
        try {
          return JSON.stringify(json(JSON.parse(text)))
        } catch {
          return redactText(text)
        }
      },
      forRoute: (route) => (byRoute.has(route) ? build(new Set([...everywhere, ...byRoute.get(route)!])) : base),
    }
  }
  const base = build(everywhere)
  return base
}
