/**
 * render.yaml and vercel.json, validated against schemas with ajv, plus the cross-file facts that keep the
 * three targets alike (same Node line, same start command, every required setting provided).
 *
 * Where the schemas come from:
 * - vercel.json: the schema the Vercel CLI itself validates with (`validateConfig` in vercel@64's
 *   bundle builds it from these two packages): `@vercel/routing-utils` (rewrites, headers, redirects,
 *   routes, cleanUrls, trailingSlash) and `@vercel/build-utils` (functions, builds), both devDependencies
 *   pinned to the versions vercel@64.0.2 ships. The editor schema at https://openapi.vercel.sh/vercel.json
 *   is not reachable from here and is in no npm package.
 * - render.yaml: Render publishes https://render.com/schema/render.yaml.json, which is not reachable from
 *   here and is in no npm/PyPI package; test/deploy/schemas/render-blueprint.schema.json is written from
 *   the documented field set of the Blueprint YAML Reference (https://render.com/docs/blueprint-spec).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import { parse as parseYaml } from 'yaml'
import * as routing from '@vercel/routing-utils'
import * as buildUtils from '@vercel/build-utils'
import { describe, expect, it } from 'vitest'
import { ConfigError, configSchema, loadConfig } from '../../gateway/config/config.js'
import { execForm, parseDockerfile } from './support/dockerfile.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

const dockerfile = parseDockerfile(read('Dockerfile'))
const runtimeStage = dockerfile.stages.at(-1)!
const dockerCmd = execForm(runtimeStage.instructions.find((i) => i.keyword === 'CMD')!.args)!

/** Settings the gateway cannot start without (no default in the config schema). */
function requiredSettings(): string[] {
  try {
    loadConfig({})
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.split(':', 1)[0]!).sort()
  }
  throw new Error('expected loadConfig({}) to fail')
}

function errorsOf(validate: ValidateFunction, data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`)
}

describe('render.yaml', () => {
  const schema = JSON.parse(read('test/deploy/schemas/render-blueprint.schema.json')) as object
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  const blueprint = parseYaml(read('render.yaml')) as {
    services: Array<Record<string, unknown> & { envVars: Array<Record<string, unknown>> }>
  }
  const service = blueprint.services.find((s) => s.name === 'estoque-gateway')!
  const env = new Map(service.envVars.map((v) => [v.key as string, v]))

  it('is valid against the Blueprint schema', () => {
    expect(errorsOf(validate, blueprint)).toEqual([])
  })

  it('the schema rejects what Render rejects (so the check above can fail)', () => {
    const broken = (mutate: (s: Record<string, unknown>) => void) => {
      const copy = structuredClone(blueprint)
      mutate(copy.services[0]!)
      return errorsOf(validate, copy)
    }
    expect(broken((s) => (s.healthcheckPath = '/healthz'))).not.toEqual([]) // misspelt field
    expect(broken((s) => (s.runtime = 'nodejs'))).not.toEqual([])
    expect(broken((s) => delete s.startCommand)).not.toEqual([])
    expect(broken((s) => (s.maxShutdownDelaySeconds = 600))).not.toEqual([])
    expect(broken((s) => ((s.envVars as unknown[]).push({ key: 'X', sync: true })))).not.toEqual([])
  })

  it('is a Node web service with the /healthz check and the same start command as the image', () => {
    expect(service).toMatchObject({ type: 'web', runtime: 'node', healthCheckPath: '/healthz' })
    expect(service.startCommand).toBe(dockerCmd.join(' '))
    // NODE_ENV=production would make a plain `npm ci` skip TypeScript; the build must ask for dev deps.
    expect(service.buildCommand).toMatch(/npm ci --include=dev && npm run build/)
  })

  it('runs the same Node line as the Docker image', () => {
    expect(env.get('NODE_VERSION')).toEqual({ key: 'NODE_VERSION', value: dockerfile.globalArgs.NODE_VERSION })
  })

  it('provides every required setting, secrets as sync: false (prompted, never committed)', () => {
    for (const key of ['MONGODB_URI', 'SECRET_KEY', 'LEGACY_URL']) expect(env.get(key)).toEqual({ key, sync: false })
    for (const key of requiredSettings()) expect(env.has(key), key).toBe(true)
    expect(env.get('MONGODB_DB')).toMatchObject({ value: expect.any(String) })
  })

  it('every plain value is a valid gateway setting, and the drain budget fits Render\'s SIGKILL delay', () => {
    const values = Object.fromEntries(
      service.envVars.filter((v) => 'value' in v && String(v.key) in configSchema.shape).map((v) => [v.key, String(v.value)]),
    )
    const config = configSchema.parse({ ...values, MONGODB_URI: 'mongodb://example:27017', SECRET_KEY: 'x' })
    expect(config.SHUTDOWN_TIMEOUT_MS).toBeLessThan((service.maxShutdownDelaySeconds as number) * 1000)
  })
})

describe('vercel.json', () => {
  // The same top-level shape as the CLI's buildVercelConfigSchema (vercel@64.0.2).
  const schema = {
    type: 'object',
    additionalProperties: true,
    properties: {
      builds: buildUtils.buildsSchema,
      routes: routing.routesSchema,
      cleanUrls: routing.cleanUrlsSchema,
      headers: routing.headersSchema,
      redirects: routing.redirectsSchema,
      rewrites: routing.rewritesSchema,
      trailingSlash: routing.trailingSlashSchema,
      functions: buildUtils.getFunctionsSchema(),
    },
  }
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema)
  const config = JSON.parse(read('vercel.json')) as {
    framework: null
    outputDirectory: string
    functions: Record<string, { maxDuration?: number }>
    rewrites: Array<{ source: string; destination: string }>
  }

  it('is valid against the schema the Vercel CLI validates with', () => {
    expect(errorsOf(validate, config)).toEqual([])
    const broken = structuredClone(config) as Record<string, unknown>
    broken.rewrites = [{ source: '/(.*)' }]
    broken.functions = { 'api/index.ts': { maxDuration: 'long' } }
    expect(errorsOf(validate, broken).length).toBeGreaterThanOrEqual(2)
  })

  it('sends every path to the one function, which exists', () => {
    const [functionPath] = Object.keys(config.functions)
    expect(functionPath).toBe('api/index.ts')
    expect(read(functionPath!)).toContain('export default')
    expect(config.rewrites).toEqual([{ source: '/(.*)', destination: '/api' }])
  })

  it('serves no repository file statically and opts out of framework detection', () => {
    // Preset "Other" would otherwise publish the repository root (gateway sources included) before the rewrite.
    expect(config.framework).toBeNull()
    expect(config.outputDirectory).toBe('public')
  })

  it('lets the function run as long as the gateway waits for the legacy app', () => {
    const { LEGACY_TIMEOUT_MS } = configSchema.parse({ MONGODB_URI: 'mongodb://x:1', SECRET_KEY: 'x' })
    expect(config.functions['api/index.ts']!.maxDuration! * 1000).toBeGreaterThanOrEqual(LEGACY_TIMEOUT_MS)
  })
})
