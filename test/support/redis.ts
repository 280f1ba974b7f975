// A real redis-server (Debian package) for the cache tests: installed with apt-get when missing (root), started
// on a free port without persistence, stopped by its process id.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import net from 'node:net'
import { freePort } from '../../scripts/dev/ports.js'

const REDIS_SERVER = '/usr/bin/redis-server'

export function ensureRedisServer(): void {
  if (existsSync(REDIS_SERVER)) return
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${REDIS_SERVER} not found: run \`apt-get install -y redis-server\` as root`)
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { env, stdio: 'ignore' }).status === 0
  if (!install()) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' })
    if (!install()) throw new Error('apt-get install redis-server failed')
  }
}

export async function startRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  ensureRedisServer()
  const port = await freePort()
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (up) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      process.off('exit', kill)
      child.kill('SIGTERM')
      await exited
    },
  }
}
