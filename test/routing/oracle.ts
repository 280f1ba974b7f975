/**
 * Client of test/routing/url-map-oracle.py: the real gunicorn parser + Flask/Werkzeug url_map, asked over
 * JSON lines. One long-running process per app; queries are batched.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { UrlMapFile } from '../../compat/werkzeug/index.js'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const python = path.join(root, '.venv/bin/python')

export type OracleValue = { t: string; v: unknown }
export type OracleAnswer =
  | { kind: 'match'; endpoint: string; rule: string; args: Record<string, OracleValue> }
  | { kind: 'redirect'; location: string }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' }
  | { kind: 'bad-request'; reason: string }
  | { kind: 'http-error'; code: number }
  | { kind: 'oracle-error'; error: string }

export type OracleQuery = { method: string; target: string; host: string }

export class UrlMapOracle {
  private readonly child: ChildProcessWithoutNullStreams
  private readonly pending = new Map<number, (answer: unknown) => void>()
  private nextId = 1
  private stderr = ''

  /** `app`: module:factory (default: the reference legacy app); `appPath`: its directory. */
  constructor(app?: { spec: string; appPath: string }) {
    if (!existsSync(python)) throw new Error(`${python} not found: run \`npx tsx scripts/setup.ts\``)
    const args = [path.join(root, 'test/routing/url-map-oracle.py'), ...(app ? [app.spec, '--app-path', app.appPath] : [])]
    this.child = spawn(python, args, { cwd: root, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-4000)
    })
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const answer = JSON.parse(line) as { id: number }
      this.pending.get(answer.id)?.(answer)
      this.pending.delete(answer.id)
    })
    this.child.on('exit', (code) => {
      for (const [, resolve] of this.pending) resolve({ kind: 'oracle-error', error: `oracle exited (${code}): ${this.stderr}` })
      this.pending.clear()
    })
  }

  private ask(query: object): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.child.stdin.write(`${JSON.stringify({ ...query, id })}\n`)
    })
  }

  export(): Promise<UrlMapFile> {
    return this.ask({ op: 'export' }) as Promise<UrlMapFile>
  }

  matchAll(queries: readonly OracleQuery[]): Promise<OracleAnswer[]> {
    return Promise.all(queries.map((q) => this.ask({ op: 'match', ...q }) as Promise<OracleAnswer>))
  }

  close(): void {
    this.child.stdin.end()
  }
}
