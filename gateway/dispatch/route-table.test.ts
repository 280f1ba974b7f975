import { describe, expect, it } from 'vitest'
import { RouteTable, defaultRoutes, parseModeOverrides, parseOverridesFile } from './route-table.js'

describe('RouteTable.match', () => {
  const table = new RouteTable(defaultRoutes)

  it('matches the canonical path with or without a query string', () => {
    expect(table.match('GET', '/api/dashboard')?.name).toBe('dashboard')
    expect(table.match('GET', '/api/movimentacoes?pagina=2')?.name).toBe('movimentacoes-list')
    expect(table.match('POST', '/api/movimentacoes')?.name).toBe('movimentacoes-create')
  })

  it.each([
    ['GET', '/api/dashboard/'],
    ['GET', '//api/dashboard'],
    ['GET', '/api//dashboard'],
    ['GET', '/API/dashboard'],
    ['GET', '/api/%64ashboard'],
    ['GET', '/api/x/../dashboard'],
    ['GET', '/api/./dashboard'],
    ['GET', 'http://example.com/api/dashboard'],
    ['HEAD', '/api/dashboard'],
    ['DELETE', '/api/movimentacoes'],
  ])('leaves %s %s to the legacy app', (method, target) => {
    expect(table.match(method, target)).toBeUndefined()
  })
})

describe('parseModeOverrides', () => {
  it('switches named routes', () => {
    const overrides = parseModeOverrides(' dashboard=legacy , movimentacoes-create=legacy', defaultRoutes)
    const table = new RouteTable(defaultRoutes, overrides)
    expect(table.match('GET', '/api/dashboard')?.mode).toBe('legacy')
    expect(table.match('POST', '/api/movimentacoes')?.mode).toBe('legacy')
    expect(table.match('GET', '/api/movimentacoes')?.mode).toBe('migrated')
  })

  it('reads a canary percentage and defaults it to 10', () => {
    const table = new RouteTable(defaultRoutes, parseModeOverrides('dashboard=canary:25,estoque-hierarquia=canary', defaultRoutes))
    expect(table.match('GET', '/api/dashboard')).toMatchObject({ mode: 'canary', canaryPercent: 25 })
    expect(table.match('GET', '/api/estoque/hierarquia')).toMatchObject({ mode: 'canary', canaryPercent: 10 })
  })

  it('rejects unknown routes, unknown modes and bad percentages', () => {
    expect(() => parseModeOverrides('nope=legacy', defaultRoutes)).toThrow(/unknown route "nope"/)
    expect(() => parseModeOverrides('dashboard=sideways', defaultRoutes)).toThrow(/expected NAME=MODE/)
    expect(() => parseModeOverrides('dashboard=canary:150', defaultRoutes)).toThrow(/expected NAME=MODE/)
    expect(() => parseModeOverrides('dashboard=shadow:5', defaultRoutes)).toThrow(/expected NAME=MODE/)
  })
})

describe('parseOverridesFile', () => {
  it('layers a JSON file under the environment overrides', () => {
    const file = parseOverridesFile(
      JSON.stringify({ routes: { dashboard: { mode: 'shadow', shadowIgnore: ['por_dia'] }, 'movimentacoes-list': { fallback: false } } }),
      defaultRoutes,
    )
    const table = new RouteTable(defaultRoutes, file, parseModeOverrides('dashboard=legacy', defaultRoutes))
    expect(table.match('GET', '/api/dashboard')).toMatchObject({ mode: 'legacy', shadowIgnore: ['por_dia'] })
    expect(table.match('GET', '/api/movimentacoes')).toMatchObject({ mode: 'migrated', fallback: false })
  })

  it('rejects unknown fields and unknown routes', () => {
    expect(() => parseOverridesFile('{"routes":{"dashboard":{"mdoe":"legacy"}}}', defaultRoutes)).toThrow(/mdoe/)
    expect(() => parseOverridesFile('{"routes":{"painel":{"mode":"legacy"}}}', defaultRoutes)).toThrow(/unknown route/)
  })
})
