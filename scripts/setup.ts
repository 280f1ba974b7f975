/**
 * Installs what the demo and the tests need, idempotently, on a fresh machine: the Python venv of the
 * reference legacy app and the local MongoDB-wire server. Cheap when everything is already in place.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureLocalMongoJar } from './local-mongo/build.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const venv = path.join(root, '.venv')
const requirements = path.join(root, 'test/legacy-app/requirements.txt')

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`)
}

export function ensurePythonVenv(): void {
  const wanted = createHash('sha256').update(readFileSync(requirements)).digest('hex')
  const stamp = path.join(venv, '.requirements.sha256')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return
  console.log('setup: creating the legacy app venv (.venv)')
  if (!existsSync(path.join(venv, 'bin/python'))) run('python3', ['-m', 'venv', venv])
  run(path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements])
  writeFileSync(stamp, wanted)
}

export async function setup(): Promise<void> {
  ensurePythonVenv()
  // Cheap when the jar is up to date; needed unless a MongoDB is given (a `mongod` on PATH is rare here).
  if (!process.env.MONGODB_URI) await ensureLocalMongoJar()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup().catch((error: unknown) => {
    console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
