import { Hono, type Context } from 'hono'
import type { GatewayEnv } from '../core/env.js'
import type { RouteSettings } from '../core/route-settings.js'
import { changeProblems, readJson } from './admin-api.js'
import { describeRoute, type ControlServices } from './route-view.js'
import { scheduleSchema, stepReason, type StoredSchedule } from './schedule.js'
import { overrideForStep, SCHEDULER_BY } from './scheduler.js'

/**
 * Progressive delivery through the admin API (behind the admin token):
 * `PUT /_gateway/routes/{name}/schedule` `{"steps": ["shadow", "canary:5", "canary:25", "migrated"], "holdSeconds": 600, "minRequests": 500}`
 * starts at the first step at once; `POST …/schedule/pause`, `POST …/schedule/resume` (the step's hold and
 * count start again, and the step's override is written again), `DELETE …/schedule` (the live override stays).
 */
export function scheduleApi({ settings, control }: { settings: RouteSettings; control: ControlServices }): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>()
  const { store, live, schedules, loop } = control
  const known = (name: string) => settings.declarations.some((route) => route.name === name)
  const unknown = (c: Context<GatewayEnv>, name: string) => c.json({ erro: 'unknown route', problems: [`unknown route "${name}"`] }, 404)
  const noSchedule = (c: Context<GatewayEnv>, name: string) => c.json({ erro: 'no schedule', problems: [`route "${name}" has no schedule`] }, 404)
  const by = (c: Context<GatewayEnv>, given?: string) => given ?? c.req.header('x-admin-user') ?? 'admin-api'

  /** Writes the schedule's current step as the route's live override (audited, by the scheduler). */
  const applyStep = async (schedule: StoredSchedule) => {
    const current = live.status().overrides.get(schedule._id)?.override
    const stored = await store.set(schedule._id, overrideForStep(current, schedule.steps[schedule.step]!), stepReason(schedule, schedule.step), SCHEDULER_BY)
    live.applyLocally(schedule._id, stored)
    loop.noteSchedule(schedule._id, schedule)
  }

  app.put('/_gateway/routes/:name/schedule', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return unknown(c, name)
    const parsed = scheduleSchema.safeParse((await readJson(c.req.raw)) ?? null)
    if (!parsed.success) return c.json({ erro: 'invalid schedule', problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`) }, 400)
    const current = live.status().overrides.get(name)?.override
    const problems = parsed.data.steps.flatMap((step) => changeProblems(settings, name, overrideForStep(current, step)).map((problem) => `step ${step}: ${problem}`))
    if (problems.length > 0) return c.json({ erro: 'invalid schedule', problems }, 400)
    const { steps, holdSeconds, minRequests } = parsed.data
    const now = new Date()
    const schedule = await schedules.put({ _id: name, steps, holdSeconds, minRequests, step: 0, since: now, state: 'running', by: by(c, parsed.data.by), at: now })
    await store.noteSchedule(name, 'schedule-start', `schedule ${steps.join(' → ')} (hold ${holdSeconds} s, ${minRequests} requests per step)`, schedule.by)
    await applyStep(schedule)
    return c.json(describeRoute(settings, control, name))
  })

  app.post('/_gateway/routes/:name/schedule/pause', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return unknown(c, name)
    const paused = await schedules.transition(name, ['running'], 'paused', { at: new Date(), by: by(c) })
    if (!paused) return (await schedules.get(name)) ? c.json({ erro: 'not running', problems: [`the schedule of "${name}" is not running`] }, 409) : noSchedule(c, name)
    await store.noteSchedule(name, 'schedule-pause', `schedule paused at step ${paused.step + 1} of ${paused.steps.length}`, by(c))
    loop.noteSchedule(name, paused)
    return c.json(describeRoute(settings, control, name))
  })

  app.post('/_gateway/routes/:name/schedule/resume', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return unknown(c, name)
    const resumed = await schedules.transition(name, ['paused', 'running'], 'running', { since: new Date(), at: new Date(), by: by(c) })
    if (!resumed) {
      const existing = await schedules.get(name)
      return existing ? c.json({ erro: 'cannot resume', problems: [`the schedule of "${name}" is ${existing.state}: put a new schedule instead`] }, 409) : noSchedule(c, name)
    }
    await store.noteSchedule(name, 'schedule-resume', `schedule resumed at step ${resumed.step + 1} of ${resumed.steps.length}`, by(c))
    await applyStep(resumed)
    return c.json(describeRoute(settings, control, name))
  })

  app.delete('/_gateway/routes/:name/schedule', async (c) => {
    const name = c.req.param('name')
    if (!known(name)) return unknown(c, name)
    if (!(await schedules.remove(name))) return noSchedule(c, name)
    await store.noteSchedule(name, 'schedule-delete', 'schedule removed (the live override stays)', by(c))
    loop.noteSchedule(name, undefined)
    return c.json(describeRoute(settings, control, name))
  })
  return app
}
