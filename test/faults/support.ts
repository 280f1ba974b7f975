/**
 * Fault suite support: a MongoDB of its own (never the shared test server: these tests kill and pause it),
 * the real legacy app and gateway processes, 30 concurrent writers, and the checks that must hold after any fault.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MongoClient, ObjectId, type Db } from 'mongodb'
import { startJavaMongo, type LocalMongo } from '../../scripts/local-mongo/index.js'
import { startLegacyApp, type LegacyApp } from '../../scripts/dev/legacy-app.js'
import { startGateway, TEST_SECRET_KEY, type GatewayProcess } from '../../scripts/dev/gateway-process.js'
import { seed } from '../../scripts/seed/index.js'
import { login } from '../support/login.js'

export const DB_NAME = 'faults'
/** Short knobs so a whole scenario takes seconds: recovery every second, a 2 s idempotency lease. */
export const FAULT_ENV = {
  WRITE_RECOVERY_INTERVAL_MS: '1000',
  IDEMPOTENCY_LEASE_MS: '2000',
  SHUTDOWN_TIMEOUT_MS: '6000',
  LOG_LEVEL: 'info',
}

export type Stack = {
  mongo: LocalMongo
  legacy: LegacyApp
  client: MongoClient
  db: Db
  cookie: string
  /** The items the writers use. */
  items: Array<{ id: string }>
  startGateway(env?: Record<string, string>): Promise<GatewayProcess>
  stop(): Promise<void>
}

/** `persistent`: the MongoDB keeps its data in an H2 file, so it can be killed and restarted. */
export async function startStack(options: { persistent?: boolean; itemCount?: number } = {}): Promise<Stack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'estoque-faults-'))
  const mongo = await startJavaMongo(options.persistent ? { h2File: path.join(dir, 'data.mv') } : {})
  const client = await new MongoClient(mongo.uri, { writeConcern: { w: 'majority', journal: true } }).connect()
  const db = client.db(DB_NAME)
  await seed(db, { items: 12, movements: 20 })
  // Round stocks, so sums of integer movements compare exactly.
  const chosen = await db.collection('itens').find({ ativo: true }).sort({ codigo: 1 }).limit(options.itemCount ?? 4).toArray()
  for (const item of chosen) await db.collection('itens').updateOne({ _id: item._id }, { $set: { quantidade: 200.0 } })
  const items = chosen.map((item) => ({ id: String(item._id) }))
  const legacy = await startLegacyApp({ mongoUri: mongo.uri, dbName: DB_NAME, secretKey: TEST_SECRET_KEY })
  const cookie = await login(legacy.url)
  const gateways: GatewayProcess[] = []
  return {
    mongo,
    legacy,
    client,
    db,
    cookie,
    items,
    async startGateway(env = {}) {
      // A generous start-up bound: the suite restarts gateways on a machine that may be busy.
      const gateway = await startGateway({ mongoUri: mongo.uri, dbName: DB_NAME, legacyUrl: legacy.url, env: { ...FAULT_ENV, ...env }, healthTimeoutMs: 60_000 })
      gateways.push(gateway)
      return gateway
    },
    async stop() {
      await Promise.allSettled(gateways.map((gateway) => kill(gateway, 'SIGKILL')))
      await Promise.allSettled([legacy.stop()])
      await client.close().catch(() => undefined)
      await mongo.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Sends a signal to the gateway process and resolves with its exit code once it is gone. */
export function kill(gateway: GatewayProcess, signal: NodeJS.Signals): Promise<number | null> {
  const { child } = gateway
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill(signal)
  return exited
}

export type Attempt = {
  key?: string
  body: { item_id: string; tipo: 'entrada' | 'saida'; quantidade: number; observacao: string }
  /** HTTP status, or `cut` when no complete answer arrived (connection refused or reset, timeout). */
  outcome: number | 'cut'
  text?: string
}

/**
 * `count` concurrent writers, each posting saídas and entradas of 1–3 units to the stack's items (every third
 * writer with an Idempotency-Key) at whatever gateway `target()` names, until `stop()`. Every request has a
 * unique `observacao` (its key, if any), so each can be found among the movements afterwards.
 */
export async function startWriters(stack: Stack, target: () => string | undefined, tag: string, count = 30) {
  // The stocks before this run: the invariant is checked against them (movements of earlier runs have other tags).
  const items = await stack.db.collection('itens').find({ _id: { $in: stack.items.map((i) => new ObjectId(i.id)) } }).toArray()
  const start = new Map(items.map((item) => [String(item._id), item.quantidade as number]))
  const attempts: Attempt[] = []
  let running = true
  let serial = 0
  const writer = async (n: number) => {
    while (running) {
      const base = target()
      if (base === undefined) {
        // No gateway up right now (between a kill and the restart): wait instead of piling up refused attempts.
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      const id = `${tag}-w${n}-${serial++}`
      const keyed = n % 3 === 0
      const item = stack.items[serial % stack.items.length]!
      const body = { item_id: item.id, tipo: serial % 2 === 0 ? ('saida' as const) : ('entrada' as const), quantidade: 1 + (serial % 3), observacao: id }
      const attempt: Attempt = { key: keyed ? id : undefined, body, outcome: 'cut' }
      attempts.push(attempt)
      const answer = await post(stack.cookie, base, body, attempt.key)
      attempt.outcome = answer.status
      attempt.text = answer.text
      if (answer.status === 'cut') await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const done = Promise.all(Array.from({ length: count }, (_, n) => writer(n)))
  return {
    tag,
    start,
    attempts,
    async stop() {
      running = false
      await done
    },
  }
}

export async function post(cookie: string, base: string, body: Attempt['body'], key?: string): Promise<{ status: number | 'cut'; text?: string }> {
  const headers: Record<string, string> = { cookie, 'content-type': 'application/json' }
  if (key) headers['idempotency-key'] = key
  try {
    const res = await fetch(`${base}/api/movimentacoes`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    return { status: res.status, text: await res.text() }
  } catch {
    return { status: 'cut' }
  }
}

/**
 * Retries every keyed attempt that got no definitive answer (cut, 409 in progress, 503) with the same key until
 * it gets one; returns how many retries each needed. Fails after `withinMs`.
 */
export async function settleKeyedRetries(stack: Stack, base: string, attempts: Attempt[], withinMs: number): Promise<{ retried: number; replayed: number }> {
  const deadline = Date.now() + withinMs
  let retried = 0
  let replayed = 0
  const open = attempts.filter((a) => a.key && !isDefinitive(a.outcome))
  await Promise.all(
    open.map(async (attempt) => {
      for (;;) {
        const answer = await post(stack.cookie, base, attempt.body, attempt.key)
        retried++
        if (isDefinitive(answer.status)) {
          attempt.outcome = answer.status
          attempt.text = answer.text
          return
        }
        if (Date.now() > deadline) throw new Error(`key ${attempt.key}: still ${answer.status} after ${withinMs} ms`)
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }),
  )
  // Keys answered before the fault replay their first answer.
  for (const attempt of attempts.filter((a) => a.key && a.outcome === 201).slice(0, 5)) {
    const again = await post(stack.cookie, base, attempt.body, attempt.key)
    if (again.status !== 201 || again.text !== attempt.text) throw new Error(`key ${attempt.key}: replay differs (${again.status})`)
    replayed++
  }
  return { retried, replayed }
}

function isDefinitive(outcome: number | 'cut'): boolean {
  return outcome !== 'cut' && outcome !== 409 && outcome < 500
}

export type Verdict = {
  attempts: number
  acknowledged: number
  cut: number
  movements: number
  pendingLeft: number
  problems: string[]
}

/**
 * The invariant after a fault, waited for up to `withinMs` (the recovery step runs every second): no pending
 * movement left, every item's stock = its start + the effect of its recorded movements, every acknowledged
 * write recorded exactly once, every key's write at most once (exactly once when answered 201), nothing else.
 */
export type Run = { tag: string; start: Map<string, number>; attempts: Attempt[] }

export async function checkInvariant(stack: Stack, run: Run, withinMs: number): Promise<Verdict> {
  const deadline = Date.now() + withinMs
  for (;;) {
    const verdict = await verdictNow(stack, run)
    if (verdict.problems.length === 0 || Date.now() > deadline) return verdict
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function verdictNow(stack: Stack, { tag, start: stockBefore, attempts }: Run): Promise<Verdict> {
  const problems: string[] = []
  const ids = stack.items.map((item) => new ObjectId(item.id))
  const items = await stack.db.collection('itens').find({ _id: { $in: ids } }).toArray()
  const movements = await stack.db.collection('movimentacoes').find({ item_id: { $in: ids }, observacao: { $regex: `^${tag}-w\\d+-\\d+$` } }).toArray()
  const pendingLeft = items.reduce((sum, item) => sum + ((item.movimentacoes_pendentes as unknown[] | undefined)?.length ?? 0), 0)
  if (pendingLeft > 0) problems.push(`${pendingLeft} pending movement(s) left`)
  for (const item of items) {
    const start = stockBefore.get(String(item._id))!
    const mine = movements.filter((m) => String(m.item_id) === String(item._id))
    const bySign = mine.reduce((sum, m) => sum + (m.tipo === 'entrada' ? m.quantidade : -m.quantidade), 0)
    const byRecord = mine.reduce((sum, m) => sum + (m.estoque_posterior - m.estoque_anterior), 0)
    if (item.quantidade !== start + bySign || bySign !== byRecord) {
      problems.push(`item ${item.codigo}: stock ${item.quantidade}, start ${start} + movements ${bySign} (records say ${byRecord})`)
    }
    if (item.quantidade < 0) problems.push(`item ${item.codigo}: negative stock ${item.quantidade}`)
  }
  const byTag = new Map<string, number>()
  for (const m of movements) byTag.set(m.observacao, (byTag.get(m.observacao) ?? 0) + 1)
  for (const [tag, n] of byTag) if (n > 1) problems.push(`${tag}: recorded ${n} times`)
  for (const attempt of attempts) {
    const recorded = byTag.get(attempt.body.observacao) ?? 0
    if (attempt.outcome === 201) {
      if (recorded !== 1) problems.push(`${attempt.body.observacao}: acknowledged (201) but recorded ${recorded} times`)
      const shown = JSON.parse(attempt.text!).movimentacao._id as string
      const stored = movements.find((m) => m.observacao === attempt.body.observacao)
      if (stored && String(stored._id) !== shown) problems.push(`${attempt.body.observacao}: answered movement ${shown}, stored ${String(stored._id)}`)
    } else if (attempt.outcome !== 'cut' && attempt.outcome < 500 && recorded !== 0) {
      problems.push(`${attempt.body.observacao}: answered ${attempt.outcome} but recorded`)
    }
  }
  const known = new Set(attempts.map((a) => a.body.observacao))
  for (const tag of byTag.keys()) if (!known.has(tag)) problems.push(`${tag}: recorded but never sent`)
  return {
    attempts: attempts.length,
    acknowledged: attempts.filter((a) => a.outcome === 201).length,
    cut: attempts.filter((a) => a.outcome === 'cut').length,
    movements: movements.length,
    pendingLeft,
    problems,
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every 50 ms; fails after `withinMs`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, withinMs: number, what = 'condition', detail?: () => string): Promise<void> {
  const deadline = Date.now() + withinMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${withinMs} ms${detail ? ` (${detail()})` : ''}`)
    await sleep(50)
  }
}

export const acknowledged = (attempts: Attempt[]) => attempts.filter((a) => a.outcome === 201).length

/** Outcome counts (`{"201": 40, "cut": 3}`), for failure messages and figures. */
export function outcomes(attempts: Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const a of attempts) counts[String(a.outcome)] = (counts[String(a.outcome)] ?? 0) + 1
  return counts
}
