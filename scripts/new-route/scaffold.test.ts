// The scaffold, run on a temporary copy of the sources: what it writes, what it refuses, and that the
// generated files compile (tsc) and load (import) as they are.
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteGroup } from '../../core/route.js'
import { planRoute, ScaffoldError, writePlan } from './scaffold.js'

const repo = path.resolve(import.meta.dirname, '../..')
let root: string

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'new-route-'))
  for (const dir of ['core', 'compat', 'gateway', 'routes', 'test/parity']) cpSync(path.join(repo, dir), path.join(root, dir), { recursive: true })
  cpSync(path.join(repo, 'tsconfig.json'), path.join(root, 'tsconfig.base.json'))
  symlinkSync(path.join(repo, 'node_modules'), path.join(root, 'node_modules'))
  writeFileSync(path.join(root, 'package.json'), '{ "type": "module" }\n')
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

const refusal = (method: string, rule: string) => {
  try {
    planRoute(root, method, rule)
  } catch (error) {
    if (error instanceof ScaffoldError) return error.message
    throw error
  }
  throw new Error(`${method} ${rule} was accepted`)
}

describe('npm run new-route', () => {
  it('refuses a rule the legacy url map does not have, listing the ones it has', () => {
    const message = refusal('GET', '/api/estoque/item/<id>')
    expect(message).toMatch(/^rule \/api\/estoque\/item\/<id> is not in routes\/legacy-url-map\.json/)
    expect(message).toContain('  /api/estoque/itens/<item_id>')
  })

  it('refuses a method the legacy rule does not accept, naming those it does', () => {
    expect(refusal('PATCH', '/api/estoque/itens/<item_id>')).toBe(
      'PATCH /api/estoque/itens/<item_id> is not a legacy route: the legacy app answers /api/estoque/itens/<item_id> only for GET, PUT, DELETE (routes/legacy-url-map.json)',
    )
    expect(refusal('FETCH', '/api/dashboard')).toMatch(/^method FETCH: give one of GET, POST, PUT, DELETE, PATCH/)
  })

  it('refuses a method and rule already declared', () => {
    expect(refusal('GET', '/api/dashboard')).toBe('GET /api/dashboard is already declared in routes/dashboard/route.ts')
  })

  it('scaffolds a new group, registers it, and the files compile and load', async () => {
    const plan = planRoute(root, 'GET', '/api/diagnostico/requisicao')
    expect(plan.name).toBe('diagnostico-requisicao-list')
    expect(Object.keys(plan.create).sort()).toEqual([
      'routes/diagnostico-requisicao/index.ts',
      'routes/diagnostico-requisicao/list-handler.ts',
      'routes/diagnostico-requisicao/list-route.ts',
      'routes/diagnostico-requisicao/list-schemas.ts',
      'test/parity/cases/diagnostico-requisicao-list.ts',
    ])
    expect(Object.keys(plan.update)).toEqual(['routes/index.ts'])
    writePlan(root, plan)
    expect(plan.nextSteps.join('\n')).toContain('docs/migrating-a-route.md')

    // A second method on an existing group: the group's list grows, nothing else is touched.
    const post = planRoute(root, 'POST', '/api/diagnostico/requisicao')
    expect(Object.keys(post.update)).toEqual(['routes/diagnostico-requisicao/index.ts'])
    writePlan(root, post)
    expect(readFileSync(path.join(root, 'routes/diagnostico-requisicao/index.ts'), 'utf8')).toContain('routes: [diagnosticoRequisicaoList, diagnosticoRequisicaoCreate]')
    expect(() => planRoute(root, 'GET', '/api/diagnostico/requisicao')).toThrow('already declared in routes/diagnostico-requisicao/list-route.ts')

    writeFileSync(
      path.join(root, 'tsconfig.json'),
      JSON.stringify({ extends: './tsconfig.base.json', include: ['routes/index.ts', 'routes/diagnostico-requisicao', 'test/parity/cases'] }),
    )
    const tsc = path.join(repo, 'node_modules/typescript/bin/tsc')
    await expect(promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', root], { cwd: root })).resolves.toBeDefined()

    const { routeGroups } = (await import(pathToFileURL(path.join(root, 'routes/index.ts')).href)) as { routeGroups: RouteGroup[] }
    const group = routeGroups.find((g) => g.name === 'diagnostico-requisicao')!
    expect(group.routes.map((r) => [r.name, r.methods, r.rule, r.mode, r.handle])).toEqual([
      ['diagnostico-requisicao-list', ['GET'], '/api/diagnostico/requisicao', 'legacy', undefined],
      ['diagnostico-requisicao-create', ['POST'], '/api/diagnostico/requisicao', 'legacy', undefined],
    ])
    const handler = (await import(pathToFileURL(path.join(root, 'routes/diagnostico-requisicao/list-handler.ts')).href)) as Record<string, (ctx: unknown) => Promise<unknown>>
    await expect(handler.handleDiagnosticoRequisicaoList!({ params: {} })).resolves.toMatchObject({ reason: 'not-migrated' })
  }, 600_000)
})
