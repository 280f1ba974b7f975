// Smoke run of `npm run bench` (scripts/bench): tiny data, 2 s runs, one connection count. Proves the harness
// starts every contender (legacy, FastAPI plan, gateway, bare node:http, nginx, the delay relay) and reports
// numbers — CPU per request among them; no timing assertions.
import { mkdtempSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { AS_SHIPPED, UNPROJECTED, defaultOptions, runBench } from '../../scripts/bench/harness.js'
import { writeReport } from '../../scripts/bench/index.js'

describe('bench harness (smoke)', () => {
  it('runs every contender end to end and writes a table and a chart', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'))
    const options = {
      ...defaultOptions({}),
      durationSec: 2,
      warmupSec: 0,
      warmupRequests: 10,
      dbWarmupSec: 0.3,
      connections: [1],
      appConnections: [1],
      processes: [1],
      rtts: [2],
      scenarios: ['cpu', 'ceiling', 'app', 'proxy', 'upstream'] as const,
      appTier: { name: 'app', items: 20, movements: 100 },
      fullTier: { name: 'full', items: 20, movements: 200 },
      logDir: path.join(dir, 'logs'),
      log: () => {},
    }
    const result = await runBench({ ...options, scenarios: [...options.scenarios] })
    const kinds = new Set(result.rows.map((row) => row.kind))
    expect([...kinds].sort()).toEqual(['bare-node', 'bare-proxy', 'direct', 'fastapi', 'gateway', 'gateway-cached', 'gateway-no-keepalive', 'legacy', 'library-proxy', 'library-proxy+hono', 'nginx'])
    for (const row of result.rows) {
      expect(row.result.rps, `${row.contender} ${row.route}`).toBeGreaterThan(0)
      expect(row.result.errors, `${row.contender} ${row.route}`).toBe(0)
      expect(row.peakRssBytes).toBeGreaterThan(0)
    }
    // The writes too (POST a movement, PUT, POST and DELETE an item, the CSV import): measured after the reads, then undone.
    const reads = ['dashboard', 'hierarquia', 'movimentacoes', 'itens', 'item']
    const routes = [...reads, 'registrar', 'item-update', 'importar', 'item-create', 'item-delete']
    expect(result.rows.filter((row) => row.section === 'app')).toHaveLength(5 * routes.length)
    // CPU per request: every contender's process tree, every route, the proxy path (gateway, nginx and bare node, two upstreams).
    const cpuRows = result.rows.filter((row) => row.section === 'cpu')
    expect(cpuRows.map((row) => `${row.contender} ${row.route}`).sort()).toEqual(
      ['legacy-2', 'fastapi-1', 'gateway-1', 'bare-node-1'].flatMap((c) => routes.map((r) => `${c} ${r}`)).sort(),
    )
    expect(result.rows.filter((row) => row.section === 'cpu-proxy').map((row) => `${row.kind} ${row.route}`).sort()).toEqual(
      ['bare-proxy', 'gateway', 'library-proxy', 'library-proxy+hono', 'nginx'].flatMap((kind) => [`${kind} legacy /api/diagnostico/requisicao`, `${kind} trivial /x`]).sort(),
    )
    for (const row of result.rows) {
      expect(row.cpuMsPerRequest, `${row.section} ${row.contender} ${row.route}`).toBeGreaterThan(0)
      expect(Number.isFinite(row.cpuMsPerRequest), `${row.section} ${row.contender} ${row.route}`).toBe(true)
      expect(row.dbCpuMsPerRequest, `${row.section} ${row.contender} ${row.route}`).toBeGreaterThanOrEqual(0)
      expect(Number.isFinite(row.dbCpuMsPerRequest)).toBe(true)
    }
    expect(result.ceilings.every((row) => row.result.rps > 0)).toBe(true)
    // Projections on and off, directly and through the emulated round trip, for every route.
    const queries = result.ceilings.filter((row) => row.section === 'queries')
    expect(queries.map((row) => `${row.route} ${row.rttMs} ${row.variant}`).sort()).toEqual(
      reads.flatMap((route) => [0, 2].flatMap((rtt) => [AS_SHIPPED, UNPROJECTED].map((variant) => `${route} ${rtt} ${variant}`))).sort(),
    )

    const md = path.join(dir, 'benchmarks.md')
    writeReport(result, md)
    const text = readFileSync(md, 'utf8')
    expect(text).toContain('| contender | procs | route |')
    expect(text).toContain('| route | conns | offered req/s | contender | procs | CPU ms/req | ×legacy-2 |')
    expect(text).toMatch(/\| dashboard \| 1 \| 40 \| \*\*gateway-1\*\* \| 1 \| \*\*[\d.]+\*\* \| [\d.]+× \|/)
    expect(text).toMatch(/\| registrar \| 1 \| 60 \| \*\*gateway-1\*\* \| 1 \| \*\*[\d.]+\*\* \| [\d.]+× \|/)
    expect(text).toContain('| route (upstream) | conns | offered req/s | contender | procs | CPU ms/req | ×nginx | ×bare node proxy |')
    expect(text).toContain(`| hierarquia | ${UNPROJECTED} | 1 | 2 ms |`)
    expect(text).toMatch(/\| legacy-1 \| 1 \| dashboard \| 1 \| 2 ms \| [\d,]+ \| 1\.00× \|/)
    expect(readFileSync(path.join(dir, 'benchmarks.svg'), 'utf8')).toMatch(/^<svg/)
  })
})
