import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

// The real entry point, as a platform would start it: bad configuration must stop it with exit code 1.
function startServer(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'gateway/server.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
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
    expect(result.stderr).toMatch(/LEGACY_URL: expected an http\(s\) URL/)
  })

  it('exits 1 on an unknown route in ROUTE_MODES', () => {
    const result = startServer({ MONGODB_URI: 'mongodb://127.0.0.1:1', SECRET_KEY: 'k', ROUTE_MODES: 'painel=legacy' })
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/ROUTE_MODES: unknown route "painel"/)
  })
})
