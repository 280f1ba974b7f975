/**
 * Installs what the demo and the tests need, idempotently, on a fresh machine: the Python venv of the
 * reference legacy app and the local MongoDB-wire server; for the tests also Debian's Chromium, redis-server,
 * nginx and wrk, and the benchmark's FastAPI venv.
 * Cheap when everything is already in place.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureLocalMongoJar } from './local-mongo/build.js'
import { ensureBenchVenv } from './bench/processes.js'

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

type DebianPackage = { pkg: string; binary: string }

/**
 * What `npm test` needs from Debian: Chromium for the browser tests, redis-server for the cache tests, nginx
 * and wrk for the benchmark's smoke run. Installed here, before the tests start, in one apt-get call: tests
 * running in parallel would otherwise contend for apt's lock on a fresh machine.
 */
function testPackages(): DebianPackage[] {
  const packages = [
    { pkg: 'redis-server', binary: '/usr/bin/redis-server' },
    { pkg: 'nginx-light', binary: '/usr/sbin/nginx' },
    { pkg: 'wrk', binary: '/usr/bin/wrk' },
  ]
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(chromiumPath)) throw new Error(`CHROMIUM_PATH=${chromiumPath} does not exist`)
    return packages
  }
  return [{ pkg: 'chromium', binary: chromiumPath }, ...packages]
}

/**
 * Installs the missing ones with apt-get (CI: root on a fresh Debian machine). `apt-get update` runs only when
 * needed: when apt knows no candidate for one of them yet (empty package lists on a fresh image), or when the
 * install fails with stale lists. Silent when everything is there and on success; apt's output is printed
 * only if the install fails.
 */
export function ensureDebianPackages(packages: DebianPackage[]): void {
  const missing = packages.filter((p) => !existsSync(p.binary))
  if (missing.length === 0) return
  const names = missing.map((p) => p.pkg)
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${names.join(', ')} not installed and apt-get is unavailable (a browser elsewhere: set CHROMIUM_PATH)`)
  }
  if (process.getuid?.() !== 0) throw new Error(`not installed: run \`apt-get install -y ${names.join(' ')}\` as root`)
  console.log(`setup: installing ${names.join(', ')} (apt-get) for the tests`)
  const hasCandidates = () => names.every((name) => /Candidate: (?!\(none\))/.test(runQuiet('apt-cache', ['policy', name]).output))
  const log: string[] = []
  const apt = (args: string[]) => {
    // Waits for a lock held by another apt (unattended upgrades on a fresh machine) instead of failing.
    const result = runQuiet('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args])
    log.push(result.output)
    return result.ok
  }
  const update = () => apt(['update'])
  const install = () => apt(['install', '-y', ...names])
  let updated = false
  if (!hasCandidates()) {
    updated = true
    if (!update()) throw new Error(`apt-get update failed:\n${log.join('\n')}`)
  }
  if (!install()) {
    if (updated || !update() || !install()) throw new Error(`apt-get install ${names.join(' ')} failed:\n${log.join('\n')}`)
  }
  const stillMissing = missing.filter((p) => !existsSync(p.binary))
  if (stillMissing.length > 0) throw new Error(`apt-get ran but ${stillMissing.map((p) => p.binary).join(', ')} is missing:\n${log.join('\n')}`)
}

/** `tests`: also what only the tests need (Debian packages, the bench's FastAPI venv); the demo does not. */
export async function setup(options: { tests?: boolean } = {}): Promise<void> {
  ensurePythonVenv()
  if (options.tests) {
    ensureDebianPackages(testPackages())
    ensureBenchVenv(root)
  }
  // Cheap when the jar is up to date; needed unless a MongoDB is given (a `mongod` on PATH is rare here).
  if (!process.env.MONGODB_URI) await ensureLocalMongoJar()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup({ tests: true }).catch((error: unknown) => {
    console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
