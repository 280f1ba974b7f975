/**
 * `npm run routes -- list | set NAME MODE … | clear NAME … | audit [NAME] | schedule NAME STEP… | schedule NAME pause|resume|clear|show`
 * Live route control from a terminal, through the admin API of a running gateway:
 * GATEWAY_URL (default http://127.0.0.1:3000) and ADMIN_TOKEN.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const USAGE = `usage: npm run routes -- list
       npm run routes -- set NAME MODE [--percent N] [--fallback on|off] --reason TEXT
       npm run routes -- clear NAME [--reason TEXT]
       npm run routes -- audit [NAME]
       npm run routes -- schedule NAME STEP... --hold SECONDS --min-requests N [--reason TEXT]
       npm run routes -- schedule NAME pause|resume|clear|show
  STEP: shadow, canary:PERCENT or migrated, e.g. shadow canary:5 canary:25 canary:50 migrated; each step is
  held at least --hold seconds and --min-requests requests, and promoted only while the route's guards hold
env: GATEWAY_URL (default http://127.0.0.1:3000), ADMIN_TOKEN`

type RouteRow = { name: string; methods: string[]; rule: string; mode: string; canaryPercent: number; fallback: boolean; source: string; live: { reason: string; by: string; at: string } | null }

export async function runRoutesCli(argv: string[], env: NodeJS.ProcessEnv, print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      percent: { type: 'string' },
      reason: { type: 'string' },
      fallback: { type: 'string' },
      by: { type: 'string' },
      hold: { type: 'string' },
      'min-requests': { type: 'string' },
    },
  })
  const [command, name, mode, ...more] = positionals
  const base = (env.GATEWAY_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '')
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-admin-user': values.by ?? env.USER ?? 'cli' }
  if (env.ADMIN_TOKEN) headers.authorization = `Bearer ${env.ADMIN_TOKEN}`
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    let json: { problems?: string[]; erro?: string } & Record<string, unknown> = {}
    try {
      json = JSON.parse(text)
    } catch {
      // not JSON (a 404 page from something else, say)
    }
    if (!response.ok) {
      print(`error: ${response.status} ${json.erro ?? text.slice(0, 200)}`)
      for (const problem of json.problems ?? []) print(`  - ${problem}`)
    }
    return { ok: response.ok, json }
  }

  switch (command) {
    case 'list': {
      const { ok, json } = await call('GET', '/_gateway/routes')
      if (!ok) return 1
      for (const route of json.routes as RouteRow[]) {
        const state = route.mode === 'canary' ? `canary ${route.canaryPercent}%` : route.mode
        const live = route.live ? `  (live: "${route.live.reason}" by ${route.live.by} at ${route.live.at})` : ''
        print(`${route.name.padEnd(24)} ${route.methods.join(',').padEnd(10)} ${route.rule.padEnd(36)} ${state.padEnd(12)} fallback=${route.fallback ? 'on' : 'off'} from=${route.source}${live}`)
      }
      return 0
    }
    case 'set': {
      if (!name || !mode || !values.reason) return usage(print)
      const change: Record<string, unknown> = { mode, reason: values.reason }
      if (values.percent !== undefined) change.canaryPercent = Number(values.percent)
      if (values.fallback !== undefined) change.fallback = values.fallback === 'on'
      const { ok, json } = await call('PUT', `/_gateway/routes/${encodeURIComponent(name)}`, change)
      if (ok) print(`${name}: ${json.mode}${json.mode === 'canary' ? ` ${json.canaryPercent}%` : ''} (live override set)`)
      return ok ? 0 : 1
    }
    case 'clear': {
      if (!name) return usage(print)
      const { ok, json } = await call('DELETE', `/_gateway/routes/${encodeURIComponent(name)}/override`, values.reason ? { reason: values.reason } : {})
      if (ok) print(`${name}: back to ${json.mode} from ${json.source}`)
      return ok ? 0 : 1
    }
    case 'audit': {
      const { ok, json } = await call('GET', `/_gateway/audit${name ? `?route=${encodeURIComponent(name)}` : ''}`)
      if (!ok) return 1
      for (const entry of json.entries as Array<Record<string, unknown>>) {
        print(`${String(entry.at)}  ${String(entry.route).padEnd(24)} ${String(entry.action).padEnd(5)} ${JSON.stringify(entry.from)} → ${JSON.stringify(entry.to)}  by ${String(entry.by)}: ${String(entry.reason)}`)
      }
      return 0
    }
    case 'schedule': {
      if (!name || !mode) return usage(print)
      const path = `/_gateway/routes/${encodeURIComponent(name)}/schedule`
      const action = more.length === 0 && ['pause', 'resume', 'clear', 'show'].includes(mode) ? mode : 'put'
      if (action === 'put' && (values.hold === undefined || values['min-requests'] === undefined)) return usage(print)
      const { ok, json } =
        action === 'show'
          ? await call('GET', '/_gateway/routes').then(({ ok, json }) => ({ ok, json: ((json.routes as Array<Record<string, unknown>>) ?? []).find((route) => route.name === name) ?? {} }))
          : action === 'clear'
            ? await call('DELETE', path)
            : action === 'put'
              ? await call('PUT', path, { steps: [mode, ...more], holdSeconds: Number(values.hold), minRequests: Number(values['min-requests']), ...(values.reason ? { reason: values.reason } : {}) })
              : await call('POST', `${path}/${action}`)
      if (!ok) return 1
      const schedule = json.schedule as { steps: string[]; step: number; state: string; requestsInStep: number | null; next: string | null } | null
      print(schedule ? `${name}: ${schedule.state}, step ${schedule.step} of ${schedule.steps.length} (${schedule.steps.join(' → ')}); next: ${schedule.next ?? 'pending'}` : `${name}: no schedule (${String(json.mode)})`)
      return 0
    }
    default:
      return usage(print)
  }
}

function usage(print: (line: string) => void): number {
  print(USAGE)
  return 2
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runRoutesCli(process.argv.slice(2), process.env, (line) => console.log(line)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${(error as Error).message}`)
      process.exit(1)
    },
  )
}
