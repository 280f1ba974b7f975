import { describe, expect, it } from 'vitest'
import { defineRoute } from './route.js'
import { RouteSettings, parseModeOverrides, parseOverridesFile } from './route-settings.js'
import { validateRoutes } from './validate-routes.js'

const handle = async () => new Response('x')
const read = defineRoute({ name: 'read', methods: ['GET'], rule: '/api/x', mode: 'migrated', fallback: true, auth: 'none', openapi: { responses: {} }, handle })
const write = defineRoute({ name: 'write', methods: ['POST'], rule: '/api/x', mode: 'migrated', auth: 'none', openapi: { responses: {} }, handle })
const declared = defineRoute({ name: 'declared', methods: ['PUT'], rule: '/api/x/<id>', mode: 'legacy', auth: 'none', openapi: { responses: {} } })

describe('RouteSettings', () => {
  it('layers declared ◄ file ◄ env ◄ live, most specific wins, and says where the state comes from', () => {
    const settings = new RouteSettings([read, write], [
      { source: 'file', overrides: { read: { mode: 'shadow' } } },
      { source: 'env', overrides: { read: { mode: 'canary', canaryPercent: 25 } } },
    ])
    expect(settings.get('read')).toMatchObject({ mode: 'canary', canaryPercent: 25, fallback: true, source: 'env' })
    expect(settings.get('write')).toMatchObject({ mode: 'migrated', source: 'declared' })
    settings.setLive({ read: { mode: 'legacy' } })
    expect(settings.get('read')).toMatchObject({ mode: 'legacy', source: 'live' })
    settings.setLive({})
    expect(settings.get('read')).toMatchObject({ mode: 'canary', source: 'env' })
  })

  it('merges guards field by field over the layers; enabled: false turns them off', () => {
    const guarded = { ...read, guards: { maxErrorRate: 0.1, minRequests: 50 } }
    const settings = new RouteSettings([guarded], [{ source: 'file', overrides: { read: { guards: { maxErrorRate: 0.2, maxTimeoutRate: 0.3 } } } }])
    expect(settings.get('read').guards).toEqual({ maxErrorRate: 0.2, maxTimeoutRate: 0.3, minRequests: 50 })
    settings.setLive({ read: { mode: 'canary', guards: { enabled: false } } })
    expect(settings.get('read').guards).toEqual({ maxErrorRate: 0.2, maxTimeoutRate: 0.3, minRequests: 50, enabled: false })
    expect(new RouteSettings([read]).get('read').guards).toEqual({})
    expect(parseOverridesFile('{"routes":{"read":{"guards":{"maxErrorRate":2,"other":1}}}}').problems).toHaveLength(2)
  })

  it('defaults a canary percentage to 10', () => {
    expect(new RouteSettings([read], [{ source: 'env', overrides: { read: { mode: 'canary' } } }]).get('read').canaryPercent).toBe(10)
  })
})

describe('parsing overrides', () => {
  it('reads ROUTE_MODES and reports every bad pair', () => {
    expect(parseModeOverrides(' read=legacy , write=canary:25')).toEqual({ overrides: { read: { mode: 'legacy' }, write: { mode: 'canary', canaryPercent: 25 } }, problems: [] })
    expect(parseModeOverrides('a=sideways,b=canary:150,c=canary:,d').problems).toHaveLength(4)
  })

  it('reads ROUTES_FILE and reports its problems', () => {
    expect(parseOverridesFile('{"routes":{"read":{"fallback":false}}}').overrides).toEqual({ read: { fallback: false } })
    expect(parseOverridesFile('{').problems[0]).toMatch(/^not JSON/)
    expect(parseOverridesFile('{"routes":{"read":{"mode":"x","other":1}}}').problems.length).toBeGreaterThanOrEqual(2)
  })
})

describe('validateRoutes', () => {
  it('accepts the valid set', () => {
    expect(validateRoutes([read, write, declared], [])).toEqual([])
  })

  it('reports every problem at once', () => {
    const twin = { ...read, name: 'twin' }
    const problems = validateRoutes(
      [read, write, declared, twin, { ...write, name: 'write-fallback', rule: '/api/y', fallback: true }],
      [
        { source: 'file', overrides: { nope: { mode: 'legacy' }, declared: { mode: 'migrated' } } },
        { source: 'env', overrides: { write: { mode: 'shadow' }, read: { mode: 'migrated', canaryPercent: 5 } } },
      ],
    )
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/route "twin": GET \/api\/x is already declared by "read"/),
        expect.stringMatching(/route "write-fallback" \(declared\): fallback on POST/),
        expect.stringMatching(/ROUTES_FILE: unknown route "nope"/),
        expect.stringMatching(/route "declared" \(ROUTES_FILE\): mode migrated needs a handler/),
        expect.stringMatching(/route "write" \(ROUTE_MODES\): shadow on POST needs a write comparator/),
        expect.stringMatching(/route "read" \(ROUTE_MODES\): canaryPercent 5 is set but the mode is migrated/),
      ]),
    )
    expect(problems).toHaveLength(6)
  })

  it('checks declarations against the legacy url map', () => {
    const problems = validateRoutes([read], [], { has: () => false })
    expect(problems).toEqual([expect.stringMatching(/the legacy url map has no GET \/api\/x/)])
  })
})
