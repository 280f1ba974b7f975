import { describe, expect, it } from 'vitest'
import { progress, scheduleSchema, stepOverride, stepReason, type StoredSchedule } from './schedule.js'

const schedule = (values: Partial<StoredSchedule> = {}): StoredSchedule => ({
  _id: 'dashboard',
  steps: ['shadow', 'canary:5', 'canary:25', 'migrated'],
  holdSeconds: 60,
  minRequests: 100,
  step: 0,
  since: new Date(0),
  state: 'running',
  version: 1,
  by: 'test',
  at: new Date(0),
  ...values,
})

describe('schedules', () => {
  it('accept shadow, canary:PERCENT and migrated steps only', () => {
    expect(scheduleSchema.safeParse({ steps: ['shadow', 'canary:5', 'canary:100', 'migrated'], holdSeconds: 1, minRequests: 1 }).success).toBe(true)
    for (const step of ['legacy', 'canary', 'canary:101', 'canary:-1', 'Migrated']) {
      expect(scheduleSchema.safeParse({ steps: [step], holdSeconds: 1, minRequests: 1 }).success, step).toBe(false)
    }
    expect(stepOverride('canary:25')).toEqual({ mode: 'canary', canaryPercent: 25 })
    expect(stepOverride('shadow')).toEqual({ mode: 'shadow' })
    expect(stepReason(schedule(), 1)).toBe('schedule: step 2 of 4 (canary:5)')
  })

  it('promote only once both the hold and the request count are met', () => {
    expect(progress(schedule(), 30_000, 100)).toMatchObject({ due: false, heldSeconds: 30, next: 'canary:5 in 30 s while the guards hold' })
    expect(progress(schedule(), 60_000, 40)).toMatchObject({ due: false, next: 'canary:5 after 60 more requests while the guards hold' })
    expect(progress(schedule(), 60_000, 100)).toMatchObject({ due: true, next: 'canary:5 now while the guards hold' })
    expect(progress(schedule({ state: 'paused' }), 60_000, 100)).toMatchObject({ due: false })
    expect(progress(schedule({ step: 3 }), 60_000, 100)).toMatchObject({ due: false, next: 'none: the last step is in force' })
    expect(progress(schedule({ state: 'stopped: auto-rollback' }), 60_000, 100)).toMatchObject({ due: false, next: 'none: stopped: auto-rollback' })
  })
})
