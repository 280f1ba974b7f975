import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

// The real entry point, as a platform would start it: bad configuration must stop it with exit code 1.
function startServer(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'gateway/server.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  })
}

describe('gateway start-up with bad configuration', () => {
  it('exits 1 naming each missing variable', () => {
    const result = startServer({})
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('Invalid configuration')
    expect(result.stderr).toMatch(/MONGODB_URI: required/)
    expect(result.stderr).toMatch(/SECRET_KEY: required/)
  })

  it('exits 1 on a malformed value, saying what is expected', () => {
    const result = startServer({ MONGODB_URI: 'mongodb://127.0.0.1:1', SECRET_KEY: 'k', LEGACY_URL: 'legacy:5000' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/LEGACY_URL: expected an http:\/\/ URL/)
  })

  it('refuses an https:// LEGACY_URL at start-up instead of failing later', () => {
    const result = startServer({ MONGODB_URI: 'mongodb://127.0.0.1:1', SECRET_KEY: 'k', LEGACY_URL: 'https://legacy.internal' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/LEGACY_URL: .*https:\/\/ upstreams are not supported/)
  })

  it('reports every route problem at once, also as a cluster primary', () => {
    for (const workers of ['1', '2']) {
      const result = startServer({
        MONGODB_URI: 'mongodb://127.0.0.1:1',
        SECRET_KEY: 'k',
        WEB_CONCURRENCY: workers,
        ROUTE_MODES: 'painel=legacy,dashboard=sideways,movimentacoes-create=shadow,estoque-hierarquia=migrated:5',
        ROUTES_FILE: '/nonexistent/routes.json',
      })
      expect(result.status).toBe(1)
      expect(result.stderr).toMatch(/ROUTES_FILE: cannot read \/nonexistent\/routes.json: ENOENT/)
      expect(result.stderr).toMatch(/ROUTE_MODES: "dashboard=sideways": expected NAME=MODE/)
      expect(result.stderr).toMatch(/route "estoque-hierarquia" \(ROUTE_MODES\): canaryPercent 5 is set but the mode is migrated/)
      expect(result.stderr).toMatch(/ROUTE_MODES: unknown route "painel"/)
      expect(result.stderr).toMatch(/route "movimentacoes-create" \(ROUTE_MODES\): shadow on POST needs a write comparator/)
      expect(result.stderr).not.toMatch(/worker .* exited/)
    }
  })

  it('exits 1 on an unknown route in ROUTE_MODES', () => {
    const result = startServer({ MONGODB_URI: 'mongodb://127.0.0.1:1', SECRET_KEY: 'k', ROUTE_MODES: 'painel=legacy' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/ROUTE_MODES: unknown route "painel"/)
  })
})
