/**
 * `npm run new-route -- METHOD '<flask rule>' [--name route-name] [--group folder]`: scaffolds a route
 * declaration (legacy mode, no handler yet), its handler stub, schemas and parity cases, and prints the
 * next steps (docs/migrating-a-route.md).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { planRoute, ScaffoldError, writePlan } from './scaffold.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, group: { type: 'string' }, root: { type: 'string' } },
  })
  if (positionals.length !== 2) {
    console.error("usage: npm run new-route -- METHOD '<flask rule>' [--name route-name] [--group folder]\n  e.g. npm run new-route -- GET '/api/estoque/itens/<item_id>'")
    return 2
  }
  const target = values.root ? path.resolve(values.root) : root
  try {
    const plan = planRoute(target, positionals[0]!, positionals[1]!, { name: values.name, group: values.group })
    for (const line of writePlan(target, plan)) console.log(line)
    console.log(`\n${plan.nextSteps.join('\n')}`)
    return 0
  } catch (error) {
    if (error instanceof ScaffoldError) {
      console.error(`new-route: ${error.message}`)
      return 1
    }
    throw error
  }
}

process.exitCode = main(process.argv.slice(2))
