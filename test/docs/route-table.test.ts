import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROUTES_DOC, routeTableMarkdown, withRouteTable } from '../../scripts/docs/route-table.js'
import { routeDeclarations, routeGroups } from '../../routes/index.js'

describe('docs/routes.md', () => {
  it('holds the route table generated from the declarations (else run: npm run docs:routes)', () => {
    const committed = readFileSync(ROUTES_DOC, 'utf8')
    expect(committed, 'docs/routes.md is stale: run npm run docs:routes').toBe(withRouteTable(committed, routeTableMarkdown(routeGroups)))
  })

  it('lists every declared route once', () => {
    const table = routeTableMarkdown(routeGroups)
    for (const route of routeDeclarations) expect(table.split(`| \`${route.name}\` |`)).toHaveLength(2)
  })
})
