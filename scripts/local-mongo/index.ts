// Starts a MongoDB for tests and the demo: MONGODB_URI if set, else a `mongod` on PATH, else the bundled
// mongo-java-server jar (see docs/local-mongodb.md for what that server does not support).
import { spawn, type ChildProcess } from 'node:child_process'
import { constants, rmSync } from 'node:fs'
import { access, mkdtemp } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { MongoClient } from 'mongodb'
import { ensureLocalMongoJar } from './build.js'

export type LocalMongoKind = 'external' | 'mongod' | 'java'

export interface StartLocalMongoOptions {
  /** Port for a started server; a free one by default. Ignored with MONGODB_URI. */
  port?: number
  /** Java server only: persist to this H2 MVStore file instead of memory. */
  h2File?: string
  /** Database name put in the URI path (unless MONGODB_URI already names one). */
  dbName?: string
}

export interface LocalMongo {
  uri: string
  kind: LocalMongoKind
  /** The server's process id (for CPU accounting, e.g. the bench); undefined for `external`. */
  readonly pid?: number
  /** Stops the server and waits for its exit; safe to call twice. */
  stop(): Promise<void>
  /**
   * Stops (if running) and starts again on the same port. Data survives for `mongod` and for the java
   * server with `h2File`; the in-memory java server comes back empty. Absent for `external`.
   */
  restart?(): Promise<void>
  /** Sends a signal to the running server (fault tests: SIGSTOP/SIGCONT/SIGKILL). Absent for `external`. */
  signal?(signal: NodeJS.Signals): void
}

const HOST = '127.0.0.1'
const READY_TIMEOUT_MS = 30_000
const STOP_GRACE_MS = 5_000
const OUTPUT_TAIL_CHARS = 4_000

export async function startLocalMongo(opts: StartLocalMongoOptions = {}): Promise<LocalMongo> {
  const external = process.env.MONGODB_URI
  if (external) {
    return { uri: withDbName(external, opts.dbName), kind: 'external', stop: async () => {} }
  }
  const mongod = await findOnPath('mongod')
  if (mongod) return startMongod(mongod, opts)
  return startJavaMongo(opts)
}

async function startMongod(bin: string, opts: StartLocalMongoOptions): Promise<LocalMongo> {
  const port = opts.port ?? (await freePort())
  // Kept across restart() so data survives an outage; removed when this process exits.
  const dbPath = await mkdtemp(path.join(os.tmpdir(), 'estoque-mongod-'))
  process.once('exit', () => rmSync(dbPath, { recursive: true, force: true }))
  const launch = async () => {
    const server = spawnServer(bin, ['--dbpath', dbPath, '--port', String(port), '--bind_ip', HOST, '--quiet'])
    await waitUntilPingable(server, `mongodb://${HOST}:${port}/`)
    return server
  }
  return managed('mongod', `mongodb://${HOST}:${port}/`, opts.dbName, await launch(), launch)
}

/** The bundled mongo-java-server, whatever the environment offers (startLocalMongo's last resort). */
export async function startJavaMongo(opts: StartLocalMongoOptions = {}): Promise<LocalMongo> {
  const jar = await ensureLocalMongoJar()
  const launch = async (port: number) => {
    const args = ['-jar', jar, '--host', HOST, '--port', String(port), '--watch-stdin']
    if (opts.h2File) args.push('--h2', opts.h2File)
    const server = spawnServer('java', args)
    // Port 0 lets the server pick a free port without a probe-then-bind race; the ready line names it.
    const actualPort = await waitForReadyLine(server)
    await waitUntilPingable(server, `mongodb://${HOST}:${actualPort}/`)
    return { server, actualPort }
  }
  const first = await launch(opts.port ?? 0)
  const port = first.actualPort
  return managed('java', `mongodb://${HOST}:${port}/`, opts.dbName, first.server, async () => (await launch(port)).server)
}

interface ServerProcess {
  child: ChildProcess
  exited: Promise<void>
  /** The last few KB of the child's stdout + stderr, for error messages. */
  output(): string
}

function spawnServer(command: string, args: string[]): ServerProcess {
  // stdin stays a pipe: the java server exits when it closes, so it dies with this process even on SIGKILL.
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let tail = ''
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  // Node does not run async cleanup on exit; a synchronous kill is all that is possible there.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  // 'close' rather than 'exit': it comes after the output pipes are drained, so error messages are complete.
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      process.removeListener('exit', killOnExit)
      resolve()
    }
    child.once('close', done)
    child.once('error', (err) => {
      tail += `\n${err.message}`
      done()
    })
  })
  return { child, exited, output: () => tail }
}

function describeExit(server: ServerProcess, what: string): Error {
  const { exitCode, signalCode, spawnfile } = server.child
  const how = signalCode ?? (exitCode === null ? 'failed to start' : `exit code ${exitCode}`)
  return new Error(`${spawnfile} ${what} (${how}); output:\n${server.output()}`)
}

function waitForReadyLine(server: ServerProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    let settled = false
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString()
      const match = /local-mongo listening on .+:(\d+)\r?\n/.exec(buffered)
      if (match) finish(() => resolve(Number(match[1])))
    }
    const timer = setTimeout(() => {
      finish(() => reject(describeExit(server, `printed no ready line within ${READY_TIMEOUT_MS} ms`)))
      server.child.kill('SIGKILL')
    }, READY_TIMEOUT_MS)
    const finish = (settle: () => void) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      server.child.stdout!.off('data', onData)
      settle()
    }
    server.child.stdout!.on('data', onData)
    void server.exited.then(() => finish(() => reject(describeExit(server, 'exited before it was ready'))))
  })
}

// Ready means a driver can select the server and run a command, which also proves the wire version is accepted.
async function waitUntilPingable(server: ServerProcess, uri: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  let lastError: unknown
  let running = true
  void server.exited.then(() => (running = false))
  while (running && Date.now() < deadline) {
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 })
    try {
      await client.db('admin').command({ ping: 1 })
      return
    } catch (err) {
      lastError = err
      await new Promise((r) => setTimeout(r, 100))
    } finally {
      await client.close()
    }
  }
  if (running) server.child.kill('SIGKILL')
  const reason = running ? `did not answer a ping within ${READY_TIMEOUT_MS} ms` : 'exited before it was ready'
  throw describeExit(server, `${reason} at ${uri} (last driver error: ${String(lastError)})`)
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return
  server.child.kill('SIGTERM')
  const timer = setTimeout(() => server.child.kill('SIGKILL'), STOP_GRACE_MS)
  await server.exited
  clearTimeout(timer)
}

function managed(
  kind: LocalMongoKind,
  baseUri: string,
  dbName: string | undefined,
  first: ServerProcess,
  relaunch: () => Promise<ServerProcess>,
): LocalMongo {
  let current = first
  return {
    uri: withDbName(baseUri, dbName),
    kind,
    get pid() {
      return current.child.pid
    },
    stop: () => stopServer(current),
    signal: (signal) => void current.child.kill(signal),
    async restart() {
      await stopServer(current)
      current = await relaunch()
    },
  }
}

// Adds `/<dbName>` to a URI that names no database; mongodb:// URIs may list several hosts, so no URL parser.
function withDbName(uri: string, dbName: string | undefined): string {
  if (!dbName) return uri
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(\/[^?]*)?(\?.*)?$/.exec(uri)
  if (!match || (match[2] && match[2] !== '/')) return uri
  return `${match[1]}/${encodeURIComponent(dbName)}${match[3] ?? ''}`
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name)
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not in this directory
    }
  }
  return undefined
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
