import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-results/faults.jsonl')

/** One line per scenario run in test-results/faults.jsonl: the figures docs/reliability.md reports. */
export function recordScenario(scenario: string, figures: Record<string, unknown>): void {
  mkdirSync(path.dirname(file), { recursive: true })
  appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), scenario, ...figures })}\n`)
}
