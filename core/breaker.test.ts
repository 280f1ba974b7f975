import { describe, expect, it } from 'vitest'
import { BreakerOpenError, CircuitBreaker, type BreakerState } from './breaker.js'

class Down extends Error {}
const failing = () => Promise.reject(new Down('unreachable'))
const ok = () => Promise.resolve('ok')

function breaker(failureThreshold = 3, coolDownMs = 1000) {
  let now = 0
  const changes: BreakerState[] = []
  const instance = new CircuitBreaker({ failureThreshold, coolDownMs, now: () => now }, (error) => error instanceof Down, (state) => changes.push(state))
  return { instance, changes, advance: (ms: number) => (now += ms) }
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and then refuses at once, without running the work', async () => {
    const { instance, changes } = breaker()
    for (let i = 0; i < 3; i++) await expect(instance.run(failing)).rejects.toBeInstanceOf(Down)
    expect(instance.state).toBe('open')
    let ran = false
    await expect(instance.run(async () => (ran = true))).rejects.toBeInstanceOf(BreakerOpenError)
    expect(ran).toBe(false)
    expect(instance.status()).toMatchObject({ state: 'open', consecutiveFailures: 3, opens: 1, rejected: 1 })
    expect(changes).toEqual(['open'])
  })

  it('a success resets the count; other errors count as the database answering', async () => {
    const { instance } = breaker()
    await expect(instance.run(failing)).rejects.toThrow()
    await expect(instance.run(failing)).rejects.toThrow()
    await instance.run(ok)
    await expect(instance.run(failing)).rejects.toThrow()
    await expect(instance.run(() => Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(TypeError)
    await expect(instance.run(failing)).rejects.toThrow()
    await expect(instance.run(failing)).rejects.toThrow()
    expect(instance.state).toBe('closed')
  })

  it('after the cool-down lets one probe through: its success closes, its failure reopens', async () => {
    const { instance, changes, advance } = breaker(1, 1000)
    await expect(instance.run(failing)).rejects.toThrow()
    advance(999)
    await expect(instance.run(ok)).rejects.toBeInstanceOf(BreakerOpenError)
    advance(1)
    expect(instance.state).toBe('half-open')
    let release!: () => void
    const probe = instance.run(() => new Promise<void>((resolve) => (release = resolve)).then(failing))
    await expect(instance.run(ok)).rejects.toBeInstanceOf(BreakerOpenError)
    release()
    await expect(probe).rejects.toBeInstanceOf(Down)
    expect(instance.state).toBe('open')
    advance(1000)
    await expect(instance.run(ok)).resolves.toBe('ok')
    expect(instance.state).toBe('closed')
    expect(changes).toEqual(['open', 'half-open', 'open', 'half-open', 'closed'])
    expect(instance.status().opens).toBe(2)
  })

  it('is off with a threshold of 0', async () => {
    const { instance } = breaker(0)
    for (let i = 0; i < 10; i++) await expect(instance.run(failing)).rejects.toBeInstanceOf(Down)
    expect(instance.state).toBe('closed')
    expect(instance.allows()).toBe(true)
  })
})
