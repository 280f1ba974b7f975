/**
 * `npm run demo`: the local MongoDB (seeded on first run, kept on disk), the reference legacy Flask app on
 * :5000 and the gateway on :3000, with one line per request showing who answered. Ctrl-C stops everything.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import legacyUrlMap from '../routes/legacy-url-map.json' with { type: 'json' }
import { setup } from './setup.js'
import { startLocalMongo, type LocalMongo } from './local-mongo/index.js'
import { seed } from './seed/index.js'
import { startLegacyApp } from './dev/legacy-app.js'
import { startGateway } from './dev/gateway-process.js'
import { randomBytes } from 'node:crypto'
import { configSchema } from '../gateway/config/config.js'

const gatewayPort = Number(process.env.PORT ?? 3000)
const legacyPort = Number(process.env.LEGACY_PORT ?? 5000)
const dataDir = path.resolve(process.env.DEMO_DATA_DIR ?? '.cache/demo')
const dbName = process.env.MONGODB_DB ?? 'estoque'
// The legacy app and the gateway share it (Flask's session cookie); `npm run dev` against the demo stack needs
// the same value: SECRET_KEY=estoque-demo-secret-key (docs: README, "Demo").
const secretKey = process.env.SECRET_KEY ?? 'estoque-demo-secret-key'
// Set by the demo itself; every other gateway setting in the environment is passed through as it is.
const SET_BY_DEMO = new Set(['PORT', 'MONGODB_URI', 'MONGODB_DB', 'LEGACY_URL', 'SECRET_KEY'])

/** The gateway settings (gateway/config/config.ts) present in this environment, plus a generated ADMIN_TOKEN if none. */
function gatewaySettingsFrom(env: NodeJS.ProcessEnv): { env: Record<string, string>; adminToken: string; generated: boolean } {
  const passed: Record<string, string> = {}
  for (const name of Object.keys(configSchema.shape)) {
    const value = env[name]
    if (value !== undefined && value !== '' && !SET_BY_DEMO.has(name)) passed[name] = value
  }
  const generated = !passed.ADMIN_TOKEN
  if (generated) passed.ADMIN_TOKEN = randomBytes(18).toString('base64url')
  return { env: { HOST: '127.0.0.1', ...passed }, adminToken: passed.ADMIN_TOKEN!, generated }
}

const stoppers: Array<() => Promise<unknown>> = []
let stopping = false

async function main(): Promise<void> {
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))

  await setup()
  mkdirSync(dataDir, { recursive: true })
  const mongo: LocalMongo = await startLocalMongo({ h2File: path.join(dataDir, 'estoque.mv') })
  stoppers.unshift(() => mongo.stop())
  await seedIfEmpty(mongo.uri)

  const legacy = await startLegacyApp({ mongoUri: mongo.uri, dbName, secretKey, port: legacyPort })
  stoppers.unshift(() => legacy.stop())
  const settings = gatewaySettingsFrom(process.env)
  const gateway = await startGateway({
    mongoUri: mongo.uri,
    dbName,
    legacyUrl: legacy.url,
    port: gatewayPort,
    secretKey,
    env: settings.env,
    onOutput: printRequestLines,
  })
  stoppers.unshift(() => gateway.stop())

  const routes = describeRoutes(gateway.output())
  console.log(`
  estoque gateway demo is running
    gateway      ${gateway.url}          <- open this one: ${gateway.url}/login
    legacy app   ${legacy.url}          (the Flask app, for comparison)
    MongoDB      ${mongo.uri} (${mongo.kind}; data in ${dataDir})
    API docs     ${gateway.url}/docs
    board        ${gateway.url}/_gateway/?token=${settings.adminToken}
    admin token  ${settings.adminToken}${settings.generated ? ' (generated; set ADMIN_TOKEN to choose one)' : ''}
    SECRET_KEY   ${secretKey} (for npm run dev against this stack)
    login        demo@estoque.local / demo1234
${routes}
  Every response carries x-gateway-upstream: gateway|legacy. Ctrl-C stops everything.
`)
}

async function seedIfEmpty(uri: string): Promise<void> {
  const client = new MongoClient(uri)
  try {
    const db = client.db(dbName)
    if ((await db.collection('itens').estimatedDocumentCount()) > 0 && !process.env.DEMO_RESEED) return
    const summary = await seed(db, {})
    console.log(`  seeded ${dbName}: ${JSON.stringify(summary)}`)
  } finally {
    await client.close()
  }
}

function describeRoutes(output: string): string {
  const started = output.split('\n').find((line) => line.includes('"gateway listening"'))
  if (!started) return ''
  const { routes } = JSON.parse(started) as { routes: Array<{ methods: string[]; rule: string; mode: string }> }
  const lines = routes.map((route) => `      ${route.mode.padEnd(9)} ${route.methods.join(',').padEnd(7)} ${route.rule}`)
  // What the legacy app still serves: its url map's rules that no migrated declaration answers.
  const migrated = new Set(routes.filter((route) => route.mode !== 'legacy').flatMap((route) => route.methods.map((method) => `${method} ${route.rule}`)))
  const remaining = (legacyUrlMap as { rules: Array<{ rule: string; methods: string[] | null }> }).rules
    .map((rule) => ({ rule: rule.rule, methods: (rule.methods ?? []).filter((method) => method !== 'HEAD' && method !== 'OPTIONS' && !migrated.has(`${method} ${rule.rule}`)) }))
    .filter((rule) => rule.methods.length > 0)
    .map((rule) => `      legacy    ${rule.methods.join(',').padEnd(7)} ${rule.rule}`)
  return `    routes the gateway knows (everything else goes to the legacy app)\n${lines.join('\n')}\n    still served by the legacy app\n${remaining.join('\n')}`
}

function printRequestLines(chunk: string): void {
  for (const line of chunk.split('\n')) {
    if (!line.startsWith('{')) {
      if (line.trim()) console.log(`  gateway: ${line}`)
      continue
    }
    try {
      const entry = JSON.parse(line) as Record<string, unknown>
      if (entry.msg === 'request') {
        console.log(`  ${String(entry.method).padEnd(6)} ${String(entry.path).padEnd(40)} ${entry.status} ${String(entry.upstream).padEnd(8)} ${entry.ms} ms`)
      } else if (Number(entry.level) >= 40) {
        console.log(`  gateway ${entry.level === 40 ? 'warning' : 'error'}: ${entry.msg}`)
      }
    } catch {
      console.log(`  gateway: ${line}`)
    }
  }
}

async function shutdown(signal: string, exitCode = 0): Promise<void> {
  if (stopping) return
  stopping = true
  console.log(`\n  ${signal}: stopping the gateway, the legacy app and MongoDB…`)
  for (const stop of stoppers) await stop().catch((error: unknown) => console.error(`  stop failed: ${String(error)}`))
  console.log('  stopped.')
  process.exit(exitCode)
}

main().catch(async (error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  await shutdown('error', 1)
})
