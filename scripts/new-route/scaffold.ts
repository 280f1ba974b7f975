/**
 * `npm run new-route -- METHOD '<flask rule>'`: the files of a new route declaration, derived from the rule
 * as the legacy app's url map has it (routes/legacy-url-map.json). The plan is computed first (and refused
 * with a message naming the problem), then written; nothing existing is overwritten.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { UrlMapFile } from '../../compat/werkzeug/url-map-file.js'

export class ScaffoldError extends Error {}

export type ScaffoldOptions = { name?: string; group?: string }

export type ScaffoldPlan = {
  method: string
  rule: string
  endpoint: string
  name: string
  group: string
  /** New files (path relative to the root → content). */
  create: Record<string, string>
  /** Existing files rewritten (path → new content). */
  update: Record<string, string>
  nextSteps: string[]
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
const VERB: Record<string, { item: string; collection: string }> = {
  GET: { item: 'get', collection: 'list' },
  POST: { item: 'create', collection: 'create' },
  PUT: { item: 'update', collection: 'update' },
  DELETE: { item: 'delete', collection: 'delete' },
  PATCH: { item: 'patch', collection: 'patch' },
}
const CONVERTER = /<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>/g

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
const pascal = (kebab: string) => camel(kebab).replace(/^./, (c) => c.toUpperCase())

function readUrlMap(root: string): UrlMapFile {
  const file = path.join(root, 'routes/legacy-url-map.json')
  if (!existsSync(file)) throw new ScaffoldError(`${file} not found (export it with \`npm run legacy-url-map\`)`)
  return JSON.parse(readFileSync(file, 'utf8')) as UrlMapFile
}

/** The rule's static segments, without `/api`: the group folder and the base of the route name. */
function baseName(rule: string): string {
  const segments = rule
    .split('/')
    .filter((segment) => segment !== '' && !segment.includes('<'))
    .map((segment) => segment.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''))
    .filter((segment) => segment !== '')
  if (segments[0] === 'api' && segments.length > 1) segments.shift()
  return segments.join('-') || 'root'
}

function converters(rule: string): { converter: string; name: string }[] {
  return [...rule.matchAll(CONVERTER)].map((match) => ({ converter: match[1] ?? 'default', name: match[2]! }))
}

/** Declarations already written for this method and rule, found in the route folders' sources. */
function existingDeclaration(root: string, method: string, rule: string): string | undefined {
  const routesDir = path.join(root, 'routes')
  const quoted = [`rule: '${rule}'`, `rule: "${rule}"`]
  const walk = (dir: string): string[] =>
    readdir(dir).flatMap((entry) => {
      const full = path.join(dir, entry)
      if (statSync(full).isDirectory()) return walk(full)
      return entry.endsWith('.ts') ? [full] : []
    })
  for (const file of walk(routesDir)) {
    const text = readFileSync(file, 'utf8')
    for (const needle of quoted) {
      let at = text.indexOf(needle)
      while (at !== -1) {
        const before = text.slice(Math.max(0, text.lastIndexOf('defineRoute(', at)), at)
        const methods = /methods:\s*\[([^\]]*)\]/.exec(before)?.[1] ?? ''
        if (methods.includes(`'${method}'`) || methods.includes(`"${method}"`)) return path.relative(root, file)
        at = text.indexOf(needle, at + 1)
      }
    }
  }
  return undefined
}

function readdir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

export function planRoute(root: string, methodArg: string, rule: string, options: ScaffoldOptions = {}): ScaffoldPlan {
  const method = methodArg.toUpperCase()
  if (!(METHODS as readonly string[]).includes(method)) {
    throw new ScaffoldError(`method ${methodArg}: give one of ${METHODS.join(', ')} (HEAD is served by GET; OPTIONS is Werkzeug's own)`)
  }
  const map = readUrlMap(root)
  const rules = map.rules.filter((candidate) => candidate.rule === rule)
  if (rules.length === 0) {
    const near = map.rules.map((r) => r.rule).filter((r, i, all) => all.indexOf(r) === i && !r.startsWith('/static'))
    throw new ScaffoldError(
      `rule ${rule} is not in routes/legacy-url-map.json: the gateway can only take over a rule the legacy app has, written exactly as Flask declares it.\n` +
        `Rules there:\n${near.map((r) => `  ${r}`).join('\n')}\n(after changing the legacy app: npm run legacy-url-map)`,
    )
  }
  const rule_ = rules.find((candidate) => candidate.methods === null || candidate.methods.includes(method))
  if (!rule_) {
    const allowed = [...new Set(rules.flatMap((r) => r.methods ?? []))].filter((m) => m !== 'HEAD' && m !== 'OPTIONS')
    throw new ScaffoldError(`${method} ${rule} is not a legacy route: the legacy app answers ${rule} only for ${allowed.join(', ')} (routes/legacy-url-map.json)`)
  }
  const existing = existingDeclaration(root, method, rule)
  if (existing) throw new ScaffoldError(`${method} ${rule} is already declared in ${existing}`)

  const params = converters(rule)
  const base = baseName(rule)
  const group = options.group ?? base
  const methodsOfRule = new Set(rules.flatMap((r) => r.methods ?? []).filter((m) => m !== 'HEAD' && m !== 'OPTIONS'))
  const endsWithParam = /<[^>]+>$/.test(rule)
  // GET of a rule that has no other method is the resource itself (`dashboard`); otherwise verb suffixes.
  const verb = method === 'GET' && !endsWithParam && methodsOfRule.size === 1 ? '' : VERB[method]![endsWithParam ? 'item' : 'collection']
  const name = options.name ?? (verb ? `${base}-${verb}` : base)
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new ScaffoldError(`route name ${name}: lowercase letters, digits and dashes only (--name)`)
  if (!/^[a-z][a-z0-9-]*$/.test(group)) throw new ScaffoldError(`group ${group}: lowercase letters, digits and dashes only (--group)`)

  const folder = `routes/${group}`
  const stem = verb ? `${verb}-` : ''
  const files = {
    route: `${folder}/${stem}route.ts`,
    handler: `${folder}/${stem}handler.ts`,
    schemas: `${folder}/${stem}schemas.ts`,
    parity: `test/parity/cases/${name}.ts`,
  }
  for (const file of Object.values(files)) {
    if (existsSync(path.join(root, file))) throw new ScaffoldError(`${file} already exists: pick another --name or --group`)
  }

  const routeConst = camel(name)
  const handlerFn = `handle${pascal(name)}`
  const schemaName = pascal(name)
  const tag = base.split('-')[0]!
  const paramsSchema = params.length
    ? `export const ${schemaName}Params = z.object({\n${params.map((p) => `  ${p.name}: ${p.converter === 'int' ? 'z.coerce.number().int()' : p.converter === 'float' ? 'z.coerce.number()' : 'z.string()'},`).join('\n')}\n})\n\n`
    : ''
  const create: Record<string, string> = {}
  create[files.schemas] = `import { z } from '@hono/zod-openapi'

// The OpenAPI shapes of ${method} ${rule} (documentation: the handler checks input with Python semantics).
${paramsSchema}/** The 200 body, as the legacy view writes it. */
export const ${schemaName}Response = z.object({}).openapi('${schemaName}')
`
  create[files.handler] = `import { defer, type Defer, type RouteContext } from '../../core/route.js'

/**
 * ${method} ${rule}: the legacy view \`${rule_.endpoint}\` (test/legacy-app/estoque/), statement by statement.
 * Read the building blocks first (docs/migrating-a-route.md): jsonResponse / jsonErrorResponse /
 * httpErrorResponse (core/legacy-json.ts), legacyJsonBody, itemJson, findItemByLegacyId (routes/shared/).
 */
export async function ${handlerFn}(ctx: RouteContext): Promise<Response | Defer> {
${params.map((p) => `  const ${camel(p.name.replace(/_/g, '-'))} = ctx.params.${p.name}\n`).join('')}${params.length ? `  void ${params.map((p) => camel(p.name.replace(/_/g, '-'))).join(', ')}\n` : ''}  // Not written yet: the legacy app answers.
  return defer('not-migrated')
}
`
  create[files.route] = `import { defineRoute } from '../../core/route.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { ${params.length ? `${schemaName}Params, ` : ''}${schemaName}Response } from './${stem}schemas.js'

/**
 * ${method} ${rule} (legacy view \`${rule_.endpoint}\`). Declared in \`legacy\` mode and without a handler:
 * the legacy app answers until \`handle\` (./${stem}handler.js) is written and the mode moves on.
 */
export const ${routeConst} = defineRoute({
  name: '${name}',
  methods: ['${method}'],
  rule: '${rule}',
  mode: 'legacy',${method === 'GET' ? '\n  fallback: true,' : ''}
  auth: 'login_required',
  openapi: {
    tags: ['${tag}'],
    summary: '${method} ${rule}',
    request: {${params.length ? ` params: ${schemaName}Params ` : ''}},
    responses: {
      200: { description: 'As the legacy view answers', content: { 'application/json': { schema: ${schemaName}Response } } },
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  // handle: ${handlerFn},   (import it from './${stem}handler.js')
})
`
  const samplePath = rule.replace(CONVERTER, (_, converter: string | undefined) => (converter === 'int' || converter === 'float' ? '1' : '{UNKNOWN}'))
  const kind = method === 'GET' ? 'readCases' : 'writeCases'
  create[files.parity] = `import type { ParityCase } from '../corpus.js'

// Parity cases of ${method} ${rule} (route \`${name}\`): sent to the legacy app and to the gateway, whose
// answers must be byte-identical. Placeholders ({ACTIVE}, {UNKNOWN}, …) are listed in ../corpus.ts.
// readCases run against one shared database; writeCases are applied in order to twin databases.
// Uncomment and add cases once the handler answers (the suite checks the gateway answered itself).
export const readCases: ParityCase[] = [
${kind === 'readCases' ? `  // { name: '${name}: without session → 401', method: '${method}', target: '${samplePath}', anonymous: true },\n` : ''}]

export const writeCases: ParityCase[] = [
${kind === 'writeCases' ? `  // { name: '${name}: body not an object → 400', method: '${method}', target: '${samplePath}', headers: { 'content-type': 'application/json' }, body: '[]' },\n` : ''}]
`

  const update: Record<string, string> = {}
  const indexFile = `${folder}/index.ts`
  const groupConst = `${camel(group)}Group`
  const importLine = `import { ${routeConst} } from './${stem}route.js'`
  if (existsSync(path.join(root, indexFile))) {
    const text = readFileSync(path.join(root, indexFile), 'utf8')
    const routesList = /routes:\s*\[([^\]]*)\]/.exec(text)
    if (!routesList) throw new ScaffoldError(`${indexFile} has no \`routes: [...]\` list to add ${routeConst} to`)
    const listed = routesList[1]!.trim()
    const withRoute = text.replace(routesList[0], `routes: [${listed ? `${listed.replace(/,\s*$/, '')}, ` : ''}${routeConst}]`)
    update[indexFile] = insertImport(withRoute, importLine)
  } else {
    create[indexFile] = `import { defineGroup } from '../../core/route.js'
${importLine}

export const ${groupConst} = defineGroup({ name: '${group}', routes: [${routeConst}] })
`
    const registry = 'routes/index.ts'
    const text = readFileSync(path.join(root, registry), 'utf8')
    const groupsList = /routeGroups:\s*readonly RouteGroup\[\]\s*=\s*\[([^\]]*)\]/.exec(text)
    if (!groupsList) throw new ScaffoldError(`${registry} has no \`routeGroups\` list to add ${groupConst} to`)
    const withGroup = text.replace(groupsList[0], groupsList[0].replace(/\]$/, `, ${groupConst}]`).replace('[, ', '['))
    update[registry] = insertImport(withGroup, `import { ${groupConst} } from './${group}/index.js'`)
  }

  const nextSteps = [
    `Declared ${method} ${rule} as \`${name}\` (legacy view ${rule_.endpoint}), mode legacy, in ${folder}/.`,
    `1. Write the handler in ${files.handler} as the legacy view does, then add \`handle: ${handlerFn}\` to ${files.route}.`,
    `2. Describe the body in ${files.schemas}; check \`auth\` (the scaffold assumes login_required).`,
    `3. Add parity cases to ${files.parity}; run: npx vitest run test/parity`,
    `4. npm run docs:routes   (regenerates the route table in docs/routes.md)`,
    `5. npx tsc --noEmit && npx vitest run test/docs`,
    `6. Try it in shadow mode: ROUTE_MODES=${name}=shadow npm run demo   (GET/HEAD only; writes need shadow.compareWrites)`,
    `7. Then canary (ROUTE_MODES=${name}=canary:10), then set mode: 'migrated' in ${files.route}.`,
    `   The whole walk: docs/migrating-a-route.md`,
  ]
  return { method, rule, endpoint: rule_.endpoint, name, group, create, update, nextSteps }
}

function insertImport(text: string, line: string): string {
  const imports = [...text.matchAll(/^import .*$/gm)]
  const last = imports.at(-1)
  if (!last) return `${line}\n${text}`
  const end = last.index! + last[0].length
  return `${text.slice(0, end)}\n${line}${text.slice(end)}`
}

export function writePlan(root: string, plan: ScaffoldPlan): string[] {
  const written: string[] = []
  for (const [file, content] of Object.entries(plan.create)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    writeFileSync(path.join(root, file), content, { flag: 'wx' })
    written.push(`created ${file}`)
  }
  for (const [file, content] of Object.entries(plan.update)) {
    writeFileSync(path.join(root, file), content)
    written.push(`updated ${file}`)
  }
  return written
}
