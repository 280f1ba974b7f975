/**
 * Runs the reference legacy Flask app (test/legacy-app) under gunicorn, as in production: sync workers.
 * Used by the tests (proxy target, parity oracle) and by the demo.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './ports.js'

export interface StartLegacyAppOptions {
  mongoUri: string
  dbName: string
  secretKey?: string
  secretKeyFallbacks?: string[]
  /** gunicorn sync workers (WEB_CONCURRENCY); 2 by default, like the app's own default. */
  workers?: number
  /** A free port by default. */
  port?: number
}

export interface LegacyApp {
  url: string
  port: number
  /** SIGTERM, then wait for gunicorn and its workers to exit. Safe to call twice. */
  stop(): Promise<void>
  /** Sends a signal to gunicorn and its workers (fault tests: SIGSTOP/SIGCONT to freeze, SIGKILL). */
  signal(signal: NodeJS.Signals): void
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const appDir = path.join(root, 'test/legacy-app')
const python = path.join(root, '.venv/bin/python')
const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 90_000
const STOP_TIMEOUT_MS = 15_000
const OUTPUT_TAIL_CHARS = 8_000

export const DEFAULT_SECRET_KEY = 'legacy-app-test-secret'

// Runs gunicorn as a child and stops it (SIGTERM) when our stdin closes, i.e. when the Node process that
// started us dies for any reason, even SIGKILL. SIGINT from a terminal reaches gunicorn directly (same
// process group), so the wrapper ignores it and just waits.
const WATCHDOG = `
import signal, subprocess, sys, threading
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
def stop(*_):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, signal.SIG_IGN)
def watch():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    stop()
threading.Thread(target=watch, daemon=True).start()
sys.exit(proc.wait())
`

export async function startLegacyApp(opts: StartLegacyAppOptions): Promise<LegacyApp> {
  if (!existsSync(python)) {
    throw new Error(`${python} not found: run \`npx tsx scripts/setup.ts\` (creates .venv from test/legacy-app/requirements.txt)`)
  }
  const port = opts.port ?? (await freePort())
  const url = `http://${HOST}:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MONGODB_URI: opts.mongoUri,
    MONGODB_DB: opts.dbName,
    SECRET_KEY: opts.secretKey ?? DEFAULT_SECRET_KEY,
    SECRET_KEY_FALLBACKS: (opts.secretKeyFallbacks ?? []).join(','),
    WEB_CONCURRENCY: String(opts.workers ?? 2),
    BIND: `${HOST}:${port}`,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
  }
  delete env.PORT

  const child = spawn(
    python,
    ['-c', WATCHDOG, path.join(root, '.venv/bin/gunicorn'), '-c', 'gunicorn.conf.py', 'wsgi:app'],
    { cwd: appDir, env, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS)
    if (process.env.LEGACY_APP_LOG) process.stderr.write(chunk)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  // Nothing is ever written: the pipe only tells the watchdog that we are alive.
  child.stdin!.on('error', () => {})

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const onParentExit = () => child.kill('SIGTERM')
  process.once('exit', onParentExit)

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.removeListener('exit', onParentExit)
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
        await exited
        clearTimeout(timer)
      }
      child.stdout!.destroy()
      child.stderr!.destroy()
      child.stdin!.destroy()
    })()
    return stopping
  }

  try {
    await waitUntilAnswering(url, child, exited)
  } catch (error) {
    await stop()
    const reason = error instanceof Error ? error.message : String(error)
    throw new Error(`legacy app did not start on ${url}: ${reason}\n--- gunicorn output ---\n${output}`)
  }
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of descendants(child.pid!)) {
      try {
        process.kill(pid, sig)
      } catch {
        // exited meanwhile
      }
    }
  }
  return { url, port, stop, signal }
}

/** Every process below `pid` (Linux /proc), parents before children. */
function descendants(pid: number): number[] {
  const found: number[] = []
  const visit = (parent: number) => {
    let children: number[] = []
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        children.push(...readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number))
      }
    } catch {
      children = []
    }
    for (const child of children) {
      found.push(child)
      visit(child)
    }
  }
  visit(pid)
  return found
}

async function waitUntilAnswering(url: string, child: ChildProcess, exited: Promise<void>): Promise<void> {
  let dead = false
  void exited.then(() => (dead = true))
  const deadline = Date.now() + READY_TIMEOUT_MS
  let lastError = 'no answer'
  while (Date.now() < deadline) {
    if (dead) throw new Error(`gunicorn exited (${child.exitCode ?? child.signalCode})`)
    try {
      // Each attempt may wait long on a loaded machine: an answer that is slow to arrive is still an answer.
      const res = await fetch(`${url}/login`, { signal: AbortSignal.timeout(Math.max(1_000, Math.min(10_000, deadline - Date.now()))) })
      await res.body?.cancel()
      if (res.status === 200) return
      lastError = `HTTP ${res.status}`
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`timed out after ${READY_TIMEOUT_MS} ms (${lastError})`)
}
