// Every route's own parity cases (test/parity/cases/<route>.ts, started by `npm run new-route`), found
// by listing the folder: a new file joins the suite without being listed anywhere.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ParityCase } from './corpus.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cases')

type CaseFile = { readCases?: ParityCase[]; writeCases?: ParityCase[] }

const files = readdirSync(dir).filter((file) => file.endsWith('.ts')).sort()
const loaded = await Promise.all(files.map(async (file) => (await import(pathToFileURL(path.join(dir, file)).href)) as CaseFile))

export const routeReadCases: ParityCase[] = loaded.flatMap((file) => file.readCases ?? [])
export const routeWriteCases: ParityCase[] = loaded.flatMap((file) => file.writeCases ?? [])
