import { describe, expect, it } from 'vitest'
import { createLogger } from '../core/logger.js'
import { defineRoute } from '../core/route.js'
import { RouteSettings } from '../core/route-settings.js'
import { LiveOverrides } from './live-overrides.js'
import type { RouteStateStore, StoredOverride } from './route-state-store.js'

const route = defineRoute({ name: 'r', methods: ['GET'], rule: '/r', mode: 'migrated', auth: 'none', openapi: { responses: {} }, handle: async () => new Response() })
const write = defineRoute({ name: 'w', methods: ['POST'], rule: '/w', mode: 'migrated', auth: 'none', openapi: { responses: {} }, handle: async () => new Response() })

function storeReturning(sequence: Array<Map<string, StoredOverride> | Error>): RouteStateStore {
  return {
    load: async () => {
      const next = sequence.shift()!
      if (next instanceof Error) throw next
      return next
    },
  } as unknown as RouteStateStore
}
const stored = (name: string, mode: 'legacy' | 'shadow', at = new Date()): StoredOverride => ({ _id: name, override: { mode }, reason: 'test', by: 't', at })

describe('LiveOverrides', () => {
  it('applies what the store holds, keeps the last known state while it is unreachable, and says so', async () => {
    const settings = new RouteSettings([route])
    const live = new LiveOverrides(storeReturning([new Map([['r', stored('r', 'legacy')]]), new Error('connection refused'), new Map()]), settings, createLogger('silent', 0), 1000)
    await live.refresh()
    expect(settings.get('r')).toMatchObject({ mode: 'legacy', source: 'live' })
    await live.refresh()
    expect(settings.get('r')).toMatchObject({ mode: 'legacy', source: 'live' })
    expect(live.status().error).toBe('connection refused')
    await live.refresh()
    expect(settings.get('r')).toMatchObject({ mode: 'migrated', source: 'declared' })
    expect(live.status()).toMatchObject({ error: null })
    expect(live.status().appliedAt.get('r')).toBeInstanceOf(Date)
  })

  it('ignores overrides for unknown routes and ones this version finds invalid', async () => {
    const settings = new RouteSettings([route, write])
    const problems = (name: string, override: { mode?: string }) => (name === 'w' && override.mode === 'shadow' ? ['shadow on a write'] : [])
    const live = new LiveOverrides(storeReturning([new Map([['gone', stored('gone', 'legacy')], ['w', stored('w', 'shadow')], ['r', stored('r', 'shadow')]])]), settings, createLogger('silent', 0), 1000, problems)
    await live.refresh()
    expect(settings.get('w')).toMatchObject({ mode: 'migrated', source: 'declared' })
    expect(settings.get('r')).toMatchObject({ mode: 'shadow', source: 'live' })
  })
})
