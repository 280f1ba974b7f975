/**
 * Installs what the demo and the tests need, idempotently, on a fresh machine: the Python venv of the
 * reference legacy app, the local MongoDB-wire server and Chromium for the browser tests (test/browser).
 * Cheap when everything is already in place.
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

/** The browser the end-to-end tests drive (Debian's `chromium` package); `CHROMIUM_PATH` overrides it. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Runs a command with its output captured: returned, not printed (shown only when something fails). */
function runQuiet(command: string, args: string[]): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` }
}

/**
 * Installs Debian's `chromium` with apt-get when the browser is missing (CI: root on a fresh Debian machine).
 * `apt-get update` runs only when needed: when apt knows no `chromium` candidate yet (empty package lists on
 * a fresh image), or when the install fails with stale lists. Silent when the browser is already there and
 * on success; apt's output is printed only if the install fails.
 */
export function ensureChromium(): void {
  if (existsSync(chromiumPath)) return
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${chromiumPath} does not exist`)
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${chromiumPath} not found and apt-get is unavailable: install Chromium and set CHROMIUM_PATH`)
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`${chromiumPath} not found: run \`apt-get install -y chromium\` as root (or set CHROMIUM_PATH)`)
  }
  console.log('setup: installing chromium (apt-get) for the browser tests')
  const hasCandidate = () => /Candidate: (?!\(none\))/.test(runQuiet('apt-cache', ['policy', 'chromium']).output)
  const log: string[] = []
  const update = () => {
    const result = runQuiet('apt-get', ['update'])
    log.push(result.output)
    return result.ok
  }
  const install = () => {
    const result = runQuiet('apt-get', ['install', '-y', 'chromium'])
    log.push(result.output)
    return result.ok
  }
  let updated = false
  if (!hasCandidate()) {
    updated = true
    if (!update()) throw new Error(`apt-get update failed:\n${log.join('\n')}`)
  }
  if (!install()) {
    if (updated || !update() || !install()) throw new Error(`apt-get install chromium failed:\n${log.join('\n')}`)
  }
  if (!existsSync(chromiumPath)) throw new Error(`apt-get installed chromium but ${chromiumPath} is missing:\n${log.join('\n')}`)
}

/** `chromium`: also the browser for test/browser (the test CLI entry below; the demo does not need it). */
export async function setup(options: { chromium?: boolean } = {}): Promise<void> {
  ensurePythonVenv()
  if (options.chromium) ensureChromium()
  // Cheap when the jar is up to date; needed unless a MongoDB is given (a `mongod` on PATH is rare here).
  if (!process.env.MONGODB_URI) await ensureLocalMongoJar()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup({ chromium: true }).catch((error: unknown) => {
    console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
