import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const loggerModule = fileURLToPath(new URL('./logger.ts', import.meta.url))

/** Runs a process that logs through the buffered logger and stays alive; resolves with the lines once `expected` arrived. */
function linesFrom(script: string, expected: number): Promise<Array<Record<string, unknown>>> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `import { createLogger } from ${JSON.stringify(loggerModule)}\n${script}\nsetInterval(() => {}, 1000)`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let text = ''
    child.on('error', reject)
    child.on('exit', (code) => reject(new Error(`logger process exited (${code}) with ${JSON.stringify(text)}`)))
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      const lines = text.split('\n').filter(Boolean)
      if (lines.length < expected) return
      child.removeAllListeners('exit')
      child.kill()
      resolve(lines.map((line) => JSON.parse(line) as Record<string, unknown>))
    })
  })
}

describe('createLogger with a flush interval', () => {
  it('writes a lone line without waiting for 4 KiB, and again after a quiet spell (the timer re-arms)', { timeout: 15_000 }, async () => {
    const lines = await linesFrom(`const log = createLogger('info', 50)\nlog.info('first')\nsetTimeout(() => log.info('second'), 300)`, 2)
    expect(lines.map((line) => line.msg)).toEqual(['first', 'second'])
    expect(lines[0]).toMatchObject({ level: 30, service: 'estoque-gateway' })
  })

  it('keeps every line of a burst, in order', { timeout: 15_000 }, async () => {
    const lines = await linesFrom(`const log = createLogger('info', 50)\nfor (let i = 0; i < 500; i++) log.info({ i }, 'burst')`, 500)
    expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 500 }, (_, i) => i))
  })
})
