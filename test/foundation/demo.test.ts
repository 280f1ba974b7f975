import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/dev/ports.js'
import { readJson } from '../support/http.js'
import { login } from '../support/login.js'

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'estoque-demo-test-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('npm run demo', () => {
  it('serves the app through the gateway, and Ctrl-C stops every process it started', async () => {
    const gatewayPort = await freePort()
    const legacyPort = await freePort()
    // Detached: its own process group, so the test can send SIGINT to the whole group as a terminal's Ctrl-C does.
    const demo = spawn('npm', ['run', 'demo'], {
      detached: true,
      env: { ...process.env, PORT: String(gatewayPort), LEGACY_PORT: String(legacyPort), DEMO_DATA_DIR: dataDir, MONGODB_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<void>((resolve) => demo.once('exit', () => resolve()))

    try {
      await waitFor(() => output.includes('is running'), 90_000, () => output)
      const mongoPort = Number(/mongodb:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1])
      expect(mongoPort).toBeGreaterThan(0)

      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`
      const loginPage = await fetch(`${gatewayUrl}/login`)
      expect(loginPage.status).toBe(200)
      expect(loginPage.headers.get('x-gateway-upstream')).toBe('legacy')
      const cookie = await login(gatewayUrl)
      const dashboard = await fetch(`${gatewayUrl}/api/dashboard`, { headers: { cookie } })
      expect(dashboard.status).toBe(200)
      expect(dashboard.headers.get('x-gateway-upstream')).toBe('gateway')
      expect((await readJson(dashboard)).total_itens).toBeGreaterThan(0)
      await waitFor(() => /GET\s+\/api\/dashboard\s+200 gateway/.test(output), 5_000, () => output)

      // The board's URL and the admin token the demo generated, printed and working.
      const board = new RegExp(`board\\s+(http://127\\.0\\.0\\.1:${gatewayPort}/_gateway/)\\?token=(\\S+)`).exec(output)
      expect(board).not.toBeNull()
      expect((await fetch(`${gatewayUrl}/_gateway/board/data`)).status).toBe(401)
      const data = await fetch(`${gatewayUrl}/_gateway/board/data`, { headers: { authorization: `Bearer ${board![2]}` } })
      expect(data.status).toBe(200)
      expect(((await data.json()) as { routes: unknown[] }).routes.length).toBeGreaterThan(0)

      process.kill(-demo.pid!, 'SIGINT')
      await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`demo did not exit:\n${output}`)), 30_000))])

      // npm may return before the demo's own shutdown has finished; everything must be gone within 20 s.
      const cleanedUp = async () => {
        for (const port of [gatewayPort, legacyPort, mongoPort]) if (!(await refusesConnections(port))) return false
        return spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim() === ''
      }
      const deadline = Date.now() + 20_000
      while (!(await cleanedUp()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
      for (const port of [gatewayPort, legacyPort, mongoPort]) expect(await refusesConnections(port)).toBe(true)
      expect(spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim()).toBe('')
    } finally {
      if (demo.exitCode === null && demo.signalCode === null) process.kill(-demo.pid!, 'SIGKILL')
    }
  }, 150_000)
})

async function waitFor(condition: () => boolean, timeoutMs: number, context: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; output so far:\n${context()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
