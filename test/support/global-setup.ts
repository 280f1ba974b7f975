// One MongoDB for the whole test run (see scripts/local-mongo); test files reach it through inject('mongoUri')
// and isolate themselves by database name (test/support/mongo.ts).
import type { TestProject } from 'vitest/node'
import { startLocalMongo } from '../../scripts/local-mongo/index.js'

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mongo = await startLocalMongo()
  project.provide('mongoUri', mongo.uri)
  return () => mongo.stop()
}
