// Markdown tables (every figure also as a ratio to the section's reference in the same run), the targets
// table, and an SVG bar chart.
import { AS_SHIPPED, LEVERS, LEVER_DEFAULTS, type BenchResult, type Row } from './harness.js'

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–')
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–')
const mb = (bytes?: number) => (bytes ? (bytes / 2 ** 20).toFixed(0) : '–')
const cpu = (n?: number) => (n !== undefined && Number.isFinite(n) ? (n < 1 ? n.toFixed(3) : n.toFixed(2)) : '–')
const load = (row: Row) => (row.loadAvg !== undefined ? row.loadAvg.toFixed(2) : '–')
const ratio = (a: number, b: number, digits = 2) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(digits)}×` : '–')

/** The row this one is compared to: legacy in the same section/variant/route/connections/rtt. */
function referenceOf(row: Row, rows: Row[]): Row | undefined {
  const refKind = row.section === 'proxy' || row.section === 'upstream' ? 'direct' : row.section === 'features' ? 'gateway' : 'legacy'
  return rows.find(
    (r) =>
      r.section === row.section &&
      r.kind === refKind &&
      r.route === row.route &&
      r.connections === row.connections &&
      r.rttMs === row.rttMs &&
      (row.section === 'features' ? r.variant === 'baseline (all off)' : r.variant === row.variant),
  )
}

function table(rows: Row[], all: Row[], refName: string): string {
  const head = `| contender | procs | route | conns | RTT | req/s | ×${refName} | p50 ms | ×${refName} | p99 ms | ×${refName} | errors | peak RSS MB | ×${refName} | CPU ms/req | ×${refName} | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`
  const lines = rows.map((row) => {
    const ref = referenceOf(row, all)
    const r = row.result
    return `| ${row.contender}${row.variant && row.section === 'features' ? ` — ${row.variant}` : ''} | ${row.processes} | ${row.route} | ${row.connections} | ${row.rttMs} ms | ${fmt(r.rps)} | ${ref ? ratio(r.rps, ref.result.rps) : '–'} | ${ms(r.p50Ms)} | ${ref ? ratio(r.p50Ms, ref.result.p50Ms) : '–'} | ${ms(r.p99Ms)} | ${ref ? ratio(r.p99Ms, ref.result.p99Ms) : '–'} | ${r.errors} | ${mb(row.peakRssBytes)} | ${ref ? ratio(row.peakRssBytes ?? NaN, ref.peakRssBytes ?? NaN) : '–'} | ${cpu(row.cpuMsPerRequest)} | ${ref ? ratio(row.cpuMsPerRequest ?? NaN, ref.cpuMsPerRequest ?? NaN) : '–'} | ${load(row)} |`
  })
  return [head, ...lines].join('\n')
}

export type Target = { target: string; measured: string; met: boolean }

const byKey = (rows: Row[]) => (section: string, kind: string, processes: number | string, route: string, c: number, rtt = 0, variant?: string) =>
  rows.find((r) => r.section === section && r.kind === kind && r.processes === processes && r.route === route && r.connections === c && r.rttMs === rtt && (variant === undefined || r.variant === variant))

/** The goals of docs/benchmarks.md (issue "the migrated routes at a fraction of the legacy app's CPU"), from this run. */
export function evaluateTargets(result: BenchResult): Target[] {
  const { rows } = result
  const targets: Target[] = []
  const find = byKey(rows)
  const max = Math.max(...result.options.connections)
  // CPU per request at the same offered load: the worst ratio over the connection counts, per route and process count.
  const cpuRows = rows.filter((r) => r.section === 'cpu' && r.kind === 'gateway')
  for (const route of [...new Set(cpuRows.map((r) => r.route))]) {
    for (const n of [...new Set(cpuRows.map((r) => r.processes))]) {
      const mine = cpuRows.filter((r) => r.route === route && r.processes === n)
      const worst = (kind: string, procs: (r: Row) => number | string) => {
        const ratios = mine.map((r) => [r, find('cpu', kind, procs(r), route, r.connections)] as const).filter(([, ref]) => ref?.cpuMsPerRequest).map(([r, ref]) => ({ c: r.connections, x: r.cpuMsPerRequest! / ref!.cpuMsPerRequest! }))
        return ratios.sort((a, b) => b.x - a.x)[0]
      }
      const goals: Array<[string, string, (r: Row) => number | string, number]> = [
        ['legacy (gunicorn, 2 workers)', 'legacy', () => 2, 0.25],
        ['FastAPI plan, same workers', 'fastapi', (r) => r.processes, 0.5],
        ['bare node:http, same processes', 'bare-node', (r) => r.processes, 1.25],
      ]
      for (const [label, kind, procs, limit] of goals) {
        const w = worst(kind, procs)
        if (w) targets.push({ target: `CPU/request ≤ ${limit}× ${label} — ${route}, gateway-${n}`, measured: `${w.x.toFixed(2)}× (worst, at ${w.c} conns)`, met: w.x <= limit })
      }
    }
  }
  for (const row of rows.filter((r) => r.section === 'app' && r.kind === 'gateway' && r.connections === max)) {
    const legacy = find('app', 'legacy', row.processes, row.route, max, row.rttMs, row.variant)
    const fastapi = find('app', 'fastapi', row.processes, row.route, max, row.rttMs, row.variant)
    const where = `${row.route}, ${row.variant}, ${max} conns, RTT ${row.rttMs} ms`
    if (legacy && row.rttMs > 0) targets.push({ target: `≥ 4× legacy req/s — ${where}`, measured: ratio(row.result.rps, legacy.result.rps, 1), met: row.result.rps >= 4 * legacy.result.rps })
    if (fastapi && row.rttMs > 0) targets.push({ target: `ahead of FastAPI req/s — ${where}`, measured: ratio(row.result.rps, fastapi.result.rps, 2), met: row.result.rps >= fastapi.result.rps })
    if (legacy) targets.push({ target: `p99 ≤ legacy p99 — ${where}`, measured: `${ms(row.result.p99Ms)} vs ${ms(legacy.result.p99Ms)} ms`, met: row.result.p99Ms <= legacy.result.p99Ms })
  }
  for (const row of rows.filter((r) => r.section === 'cpu-proxy' && r.kind === 'gateway')) {
    const nginx = find('cpu-proxy', 'nginx', row.processes, row.route, row.connections)
    if (nginx?.cpuMsPerRequest) targets.push({ target: `proxy CPU/request ≤ 2× nginx — ${row.route}, ${row.connections} conns`, measured: ratio(row.cpuMsPerRequest ?? NaN, nginx.cpuMsPerRequest), met: row.cpuMsPerRequest! <= 2 * nginx.cpuMsPerRequest })
  }
  const gatewayRss = Math.max(0, ...rows.filter((r) => r.kind === 'gateway' && r.processes === 1 && ['cpu', 'app', 'cpu-proxy'].includes(r.section)).map((r) => r.peakRssBytes ?? 0))
  if (gatewayRss > 0) targets.push({ target: 'gateway peak RSS ≤ 150 MB (1 process, defaults, bench load)', measured: `${mb(gatewayRss)} MB`, met: gatewayRss <= 150 * 2 ** 20 })
  return targets
}

/** The headline: CPU per request of every contender at the same fixed offered load, with its ratios. */
function cpuTable(result: BenchResult): string {
  const rows = result.rows.filter((r) => r.section === 'cpu')
  const find = byKey(result.rows)
  const head = '| route | conns | offered req/s | contender | procs | CPU ms/req | ×legacy-2 | ×fastapi (same procs) | ×bare node (same procs) | req/s | p50 ms | p99 ms | peak RSS MB | DB CPU ms/req | errors | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
  const order = (r: Row) => `${r.route}|${String(r.connections).padStart(4, '0')}|${['legacy', 'fastapi', 'gateway', 'bare-node'].indexOf(r.kind)}|${r.processes}`
  const lines = [...rows].sort((a, b) => order(a).localeCompare(order(b))).map((r) => {
    const vs = (kind: string, procs: number | string) => {
      const ref = find('cpu', kind, procs, r.route, r.connections)
      return ref?.cpuMsPerRequest ? ratio(r.cpuMsPerRequest ?? NaN, ref.cpuMsPerRequest) : '–'
    }
    const bold = r.kind === 'gateway' ? '**' : ''
    return `| ${r.route} | ${r.connections} | ${r.rate ?? '–'} | ${bold}${r.contender}${bold} | ${r.processes} | ${bold}${cpu(r.cpuMsPerRequest)}${bold} | ${vs('legacy', 2)} | ${vs('fastapi', r.processes)} | ${vs('bare-node', r.processes)} | ${fmt(r.result.rps)} | ${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} | ${mb(r.peakRssBytes)} | ${cpu(r.dbCpuMsPerRequest)} | ${r.result.errors} | ${load(r)} |`
  })
  return [head, ...lines].join('\n')
}

function leversTable(result: BenchResult): string {
  const rows = result.rows.filter((r) => r.section === 'levers')
  const find = byKey(result.rows)
  const head = '| route | conns | offered req/s | gateway-1 with | CPU ms/req | ×defaults | req/s | p50 ms | p99 ms | peak RSS MB | DB CPU ms/req | errors | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|'
  const order = (r: Row) => `${r.route}|${String(LEVERS.findIndex((l) => l.variant === r.variant)).padStart(2, '0')}`
  const lines = [...rows].sort((a, b) => order(a).localeCompare(order(b))).map((r) => {
    const ref = find('levers', 'gateway', 1, r.route, r.connections, 0, LEVER_DEFAULTS)
    return `| ${r.route} | ${r.connections} | ${r.rate ?? '–'} | ${r.variant} | ${cpu(r.cpuMsPerRequest)} | ${ref?.cpuMsPerRequest ? ratio(r.cpuMsPerRequest ?? NaN, ref.cpuMsPerRequest) : '–'} | ${fmt(r.result.rps)} | ${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} | ${mb(r.peakRssBytes)} | ${cpu(r.dbCpuMsPerRequest)} | ${r.result.errors} | ${load(r)} |`
  })
  return [head, ...lines].join('\n')
}

function cpuProxyTable(result: BenchResult): string {
  const rows = result.rows.filter((r) => r.section === 'cpu-proxy')
  const find = byKey(result.rows)
  const head = '| route (upstream) | conns | offered req/s | contender | procs | CPU ms/req | ×nginx | ×bare node proxy | req/s | p50 ms | p99 ms | peak RSS MB | errors | load |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'
  const lines = rows.map((r) => {
    const vs = (kind: string) => {
      const ref = find('cpu-proxy', kind, r.processes, r.route, r.connections)
      return ref?.cpuMsPerRequest ? ratio(r.cpuMsPerRequest ?? NaN, ref.cpuMsPerRequest) : '–'
    }
    return `| ${r.route} | ${r.connections} | ${r.rate ?? '–'} | ${r.contender} | ${r.processes} | ${cpu(r.cpuMsPerRequest)} | ${vs('nginx')} | ${vs('bare-proxy')} | ${fmt(r.result.rps)} | ${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} | ${mb(r.peakRssBytes)} | ${r.result.errors} | ${load(r)} |`
  })
  return [head, ...lines].join('\n')
}

const SECTIONS: Array<[string, string, string]> = [
  ['app', 'App-layer comparison, equal process counts (app tier)', 'legacy'],
  ['rec', "Each contender's recommended production setting (app tier)", 'legacy'],
  ['full', 'Required data set: 2,000 items / 200,000 movements — database-bound on the local server', 'legacy'],
  ['features', 'Speed features on/off (gateway, 1 process, app tier; ratios to the all-off baseline)', 'baseline'],
  ['proxy', 'Proxy path: legacy-only route direct, through the gateway, through nginx', 'direct'],
  ['upstream', 'Proxy path against a trivial fast upstream (nginx `return 200`)', 'direct'],
]

export function renderMarkdown(result: BenchResult, chartFile: string): string {
  const { meta, options } = result
  const parts: string[] = []
  parts.push(
    `Run ${meta.date}: Node ${meta.node}, ${meta.cpus} × ${meta.cpuModel}, ${meta.memGb} GB; load generator \`${meta.loadgen}\` (1 thread); ${options.durationSec} s per measurement after ${options.warmupRequests > 0 ? `${options.warmupRequests} requests (closed loop, 4 connections) and ` : ''}a ${options.warmupSec} s warm-up; \`uptime\` load before ${meta.loadBefore}, after ${meta.loadAfter}. Tiers: app = ${options.appTier.items} items / ${options.appTier.movements} movements, full = ${options.fullTier.items} / ${options.fullTier.movements}. Peak RSS = sum of VmHWM over the contender's processes.`,
  )
  if (result.rows.some((r) => r.section === 'cpu')) {
    parts.push('### CPU per request at the same offered load (fixed rate, app tier, RTT 0)\n')
    parts.push(cpuTable(result))
  }
  if (result.rows.some((r) => r.section === 'cpu-proxy')) {
    parts.push('### Proxy path: CPU per proxied request, the gateway vs nginx (fixed rate)\n')
    parts.push(cpuProxyTable(result))
  }
  if (result.rows.some((r) => r.section === 'levers')) {
    parts.push("### The gateway's CPU levers, each switched off against the defaults (fixed rate, 1 process, browser Accept-Encoding)\n")
    parts.push(leversTable(result))
  }
  // The chart draws the closed-loop sections only.
  if (result.rows.some((r) => r.section === 'app' || r.section === 'rec')) parts.push(`![req/s at ${Math.max(...options.connections)} connections](${chartFile})`)
  if (result.ceilings.length > 0) {
    parts.push('### Database ceiling: each route\'s queries driven directly (no HTTP), local server\n')
    parts.push('| tier | route | concurrency | query sets/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|')
    parts.push(result.ceilings.filter((r) => r.section === 'ceiling').map((r) => `| ${r.tier} | ${r.route} | ${r.connections} | ${fmt(r.result.rps)} | ${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} |`).join('\n'))
  }
  const queries = result.ceilings.filter((r) => r.section === 'queries')
  if (queries.length > 0) {
    parts.push('### Projections and single-batch reads on/off: the same query sets driven directly (app tier)\n')
    parts.push('| route | queries | concurrency | RTT | query sets/s | ×as shipped | p50 ms | p99 ms | ×as shipped |\n|---|---|---|---|---|---|---|---|---|')
    parts.push(
      queries
        .map((r) => {
          const ref = queries.find((q) => q.variant === AS_SHIPPED && q.route === r.route && q.rttMs === r.rttMs)
          return `| ${r.route} | ${r.variant} | ${r.connections} | ${r.rttMs} ms | ${fmt(r.result.rps)} | ${ref ? ratio(r.result.rps, ref.result.rps) : '–'} | ${ms(r.result.p50Ms)} | ${ms(r.result.p99Ms)} | ${ref ? ratio(r.result.p99Ms, ref.result.p99Ms) : '–'} |`
        })
        .join('\n'),
    )
  }
  for (const [section, title, refName] of SECTIONS) {
    const rows = result.rows.filter((r) => r.section === section)
    if (rows.length === 0) continue
    parts.push(`### ${title}\n`)
    parts.push(table(rows, result.rows, refName))
  }
  const targets = evaluateTargets(result)
  if (targets.length > 0) {
    parts.push('### Targets (computed from this run)\n')
    // One part: a blank line between a table's header and its rows would end the table.
    parts.push(['| target | measured | met |', '|---|---|---|', ...targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`)].join('\n'))
  }
  return parts.join('\n\n')
}

/** Grouped bars: req/s per route at the most connections, one bar per contender (app section, RTT 0 and 2). */
export function renderSvg(result: BenchResult): string {
  const max = Math.max(...result.options.connections)
  const rows = result.rows.filter((r) => (r.section === 'app' || r.section === 'rec') && r.connections === max)
  const groups = [...new Set(rows.map((r) => `${r.route} · ${r.variant} · RTT ${r.rttMs}`))]
  const kinds = ['legacy', 'fastapi', 'gateway', 'bare-node', 'gateway-cached']
  const colors: Record<string, string> = { legacy: '#b04a3a', fastapi: '#d9a441', gateway: '#2f6fb0', 'bare-node': '#7a7a7a', 'gateway-cached': '#5fa8e8' }
  const top = Math.max(1, ...rows.map((r) => r.result.rps))
  const width = 980
  const rowH = 16
  const groupH = kinds.length * rowH + 14
  const left = 250
  const height = 60 + groups.length * groupH
  const scale = (v: number) => (Math.log10(Math.max(1, v)) / Math.log10(Math.max(10, top))) * (width - left - 90)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">req/s at ${max} connections (log scale), ${result.meta.date}</text>`,
  ]
  kinds.forEach((k, i) => out.push(`<rect x="${10 + i * 130}" y="28" width="10" height="10" fill="${colors[k]}"/><text x="${24 + i * 130}" y="37">${k}</text>`))
  groups.forEach((g, gi) => {
    const y0 = 50 + gi * groupH
    out.push(`<text x="${left - 8}" y="${y0 + groupH / 2}" text-anchor="end">${g.replace(/&/g, '&amp;')}</text>`)
    kinds.forEach((k, ki) => {
      const row = rows.find((r) => `${r.route} · ${r.variant} · RTT ${r.rttMs}` === g && r.kind === k)
      if (!row) return
      const w = scale(row.result.rps)
      const y = y0 + ki * rowH
      out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 3}" fill="${colors[k]}"/>`)
      out.push(`<text x="${left + w + 4}" y="${y + rowH - 5}">${fmt(row.result.rps)}</text>`)
    })
  })
  out.push('</svg>')
  return out.join('\n')
}
