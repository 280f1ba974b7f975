// Child processes of the benchmark: spawned in their own process group (stopped as a group, by id), output
// to a log file (not a pipe this process would have to drain), readiness by polling a URL.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export type Proc = { name: string; pid: number; child: ChildProcess; log: string; stop(): Promise<void> }

const running = new Set<Proc>()
process.once('exit', () => {
  for (const proc of running) killGroup(proc.pid, 'SIGKILL')
})

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

export function startProcess(name: string, command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv; logDir: string }): Proc {
  mkdirSync(options.logDir, { recursive: true })
  const log = path.join(options.logDir, `${name}.log`)
  const fd = openSync(log, 'w')
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', fd, fd], detached: true })
  closeSync(fd)
  child.stdin?.on('error', () => {})
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const proc: Proc = {
    name,
    pid: child.pid!,
    child,
    log,
    async stop() {
      running.delete(proc)
      if (child.exitCode !== null || child.signalCode !== null) return
      killGroup(proc.pid, 'SIGTERM')
      const timer = setTimeout(() => killGroup(proc.pid, 'SIGKILL'), 8000)
      await exited
      clearTimeout(timer)
      // Workers of a pre-fork server may outlive their master for a moment.
      killGroup(proc.pid, 'SIGKILL')
    },
  }
  running.add(proc)
  return proc
}

export async function waitForUrl(proc: Proc, url: string, timeoutMs = 60_000, accept = (status: number) => status < 500): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited (${proc.child.exitCode}):\n${tail(proc.log)}`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      await res.body?.cancel()
      if (accept(res.status)) return
      last = `HTTP ${res.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 150))
  }
  throw new Error(`${proc.name} not ready at ${url} (${last}):\n${tail(proc.log)}`)
}

export function tail(file: string, chars = 3000): string {
  try {
    return readFileSync(file, 'utf8').slice(-chars)
  } catch {
    return ''
  }
}

/** A process and all its descendants (pre-fork masters and their workers, cluster primaries and theirs). */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const list = children.get(ppid) ?? []
      list.push(Number(entry))
      children.set(ppid, list)
    } catch {
      // exited meanwhile
    }
  }
  const tree: number[] = []
  const stack = [rootPid]
  while (stack.length > 0) {
    const pid = stack.pop()!
    tree.push(pid)
    stack.push(...(children.get(pid) ?? []))
  }
  return tree
}

/** Sum of VmHWM (peak resident set) over a process and all its descendants, in bytes. */
export function peakRss(rootPid: number): number {
  let total = 0
  for (const pid of processTree(rootPid)) {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match) total += Number(match[1]) * 1024
    } catch {
      // exited meanwhile
    }
  }
  return total
}

let clockTicks: number | undefined
/** USER_HZ: the unit of the CPU times in /proc/<pid>/stat (100 on Linux in practice). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout
    clockTicks = Number(out?.trim()) > 0 ? Number(out.trim()) : 100
  }
  return clockTicks
}

/**
 * CPU time (user + system) a process tree has used so far, in ms: utime+stime of every live process in it,
 * plus cutime+cstime (children that exited and were reaped — counted once, by their parent).
 */
export function treeCpuMs(rootPid: number): number {
  const { userMs, systemMs } = treeCpuSplitMs(rootPid)
  return userMs + systemMs
}

/** CPU time of a process tree split into user and kernel time (the kernel's share is mostly socket work). */
export function treeCpuSplitMs(rootPid: number): { userMs: number; systemMs: number } {
  let user = 0
  let system = 0
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      // Fields after "(comm)": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      user += Number(fields[11]) + Number(fields[13])
      system += Number(fields[12]) + Number(fields[14])
    } catch {
      // exited meanwhile
    }
  }
  return { userMs: (user * 1000) / ticksPerSecond(), systemMs: (system * 1000) / ticksPerSecond() }
}

/** Debian packages the bench needs (nginx, wrk, redis-server), installed with apt-get when missing (root only). */
export function ensureDebianPackages(packages: Array<{ binary: string; pkg: string }>): string[] {
  const missing = packages.filter((p) => !existsSync(p.binary))
  if (missing.length === 0) return []
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return missing.map((p) => p.pkg)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', ...missing.map((p) => p.pkg)], { env, stdio: 'ignore' }).status === 0
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' })
    install()
  }
  return missing.filter((p) => !existsSync(p.binary)).map((p) => p.pkg)
}

/** The FastAPI plan's venv (.cache/bench-venv) from its pinned requirements; cheap when up to date. */
export function ensureBenchVenv(root: string): string {
  const venv = path.join(root, '.cache/bench-venv')
  const requirements = path.join(root, 'scripts/bench/fastapi-plan/requirements.txt')
  const wanted = readFileSync(requirements, 'utf8')
  const stamp = path.join(venv, '.requirements')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return venv
  if (!existsSync(path.join(venv, 'bin/python'))) {
    if (spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' }).status !== 0) throw new Error('python3 -m venv failed')
  }
  const pip = spawnSync(path.join(venv, 'bin/pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', requirements], { stdio: 'inherit' })
  if (pip.status !== 0) throw new Error('pip install of scripts/bench/fastapi-plan/requirements.txt failed')
  writeFileSync(stamp, wanted)
  return venv
}
