import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './ports.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const TEST_SECRET_KEY = 'test-secret-key-not-for-production'

export type GatewayProcess = {
  url: string
  port: number
  child: ChildProcess
  /** Everything the process wrote so far (JSON log lines on stdout, errors on stderr). */
  output(): string
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>
}

export type GatewayOptions = {
  mongoUri: string
  dbName: string
  legacyUrl: string
  /** A free port by default. */
  port?: number
  secretKey?: string
  env?: Record<string, string>
  /** Receives the process output as it comes (the demo prints request lines from it). */
  onOutput?: (chunk: string) => void
  /** How long to wait for /healthz (default 20 s; suites starting several processes at once allow more). */
  healthTimeoutMs?: number
}

/** Starts the real gateway (`gateway/server.ts`) as a child process and waits for /healthz. */
export async function startGateway(options: GatewayOptions): Promise<GatewayProcess> {
  const port = options.port ?? (await freePort())
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'gateway/server.ts')], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: options.mongoUri,
      MONGODB_DB: options.dbName,
      LEGACY_URL: options.legacyUrl,
      SECRET_KEY: options.secretKey ?? TEST_SECRET_KEY,
      LOG_LEVEL: 'info',
      // Tests read the request log right after a response: one synchronous write per line.
      LOG_FLUSH_MS: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    options.onOutput?.(chunk.toString())
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)

  const url = `http://127.0.0.1:${port}`
  await waitForHealth(url, exited, () => output, options.healthTimeoutMs ?? 180_000) // tsx compiles the gateway first: slow on a loaded machine
  return {
    url,
    port,
    child,
    output: () => output,
    async stop() {
      process.off('exit', killOnExit)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

async function waitForHealth(url: string, exited: Promise<number | null>, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let gone = false
  void exited.then(() => (gone = true))
  while (Date.now() < deadline) {
    if (gone) throw new Error(`gateway exited before becoming healthy:\n${output()}`)
    try {
      const response = await fetch(`${url}/healthz`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`gateway did not become healthy within ${timeoutMs / 1000} s:\n${output()}`)
}
