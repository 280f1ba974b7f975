/**
 * There is no Docker engine on the test machines, so the Dockerfile is checked in two ways:
 * - parsed into stages and instructions (the structural assertions live in the tests), and
 * - EXECUTED outside Docker: each stage gets its own directory standing for its filesystem, COPY copies
 *   from the build context (honouring .dockerignore) or from another stage's directory, RUN runs under
 *   `sh -c` in the stage's WORKDIR with the stage's ENV, and the final stage's CMD can then be started.
 * Only the instructions this repository's Dockerfiles use are supported; anything else throws, so a new
 * instruction cannot slip through unexamined. What is NOT reproduced: the base image (the host's Node
 * runs every step), USER (steps run as the current user) and HEALTHCHECK scheduling.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

export type Instruction = { keyword: string; args: string; line: number }
export type Stage = { name: string; from: string; instructions: Instruction[] }
export type Dockerfile = { globalArgs: Record<string, string>; stages: Stage[] }

export function parseDockerfile(text: string): Dockerfile {
  const logical: Instruction[] = []
  let buffer = ''
  let startLine = 0
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd()
    if (buffer === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return
    if (buffer !== '' && line.trimStart().startsWith('#')) return // comments inside continuations
    if (buffer === '') startLine = index + 1
    if (line.endsWith('\\')) {
      buffer += line.slice(0, -1) + ' '
      return
    }
    buffer += line
    const match = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(buffer)
    if (!match) throw new Error(`Dockerfile line ${startLine}: cannot parse "${buffer}"`)
    logical.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: startLine })
    buffer = ''
  })
  const globalArgs: Record<string, string> = {}
  const stages: Stage[] = []
  for (const instruction of logical) {
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/)
      const from = substitute(image, globalArgs)
      stages.push({ name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length), from, instructions: [] })
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`Dockerfile line ${instruction.line}: ${instruction.keyword} before FROM`)
      const [key = '', value = ''] = instruction.args.split('=')
      globalArgs[key] = value
    } else {
      stages.at(-1)!.instructions.push(instruction)
    }
  }
  return { globalArgs, stages }
}

function substitute(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '')
}

/** JSON (exec) form of CMD/ENTRYPOINT/HEALTHCHECK CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined
  const parsed: unknown = JSON.parse(args)
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) throw new Error(`not an exec form: ${args}`)
  return parsed
}

export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const match of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[match[1]!] = match[2]!.replace(/^"|"$/g, '')
  return env
}

export function parseHealthcheck(args: string): { options: Record<string, string>; command: string[] } {
  const options: Record<string, string> = {}
  let rest = args
  for (let match = /^--(\w[\w-]*)=(\S+)\s+/.exec(rest); match; match = /^--(\w[\w-]*)=(\S+)\s+/.exec(rest)) {
    options[match[1]!] = match[2]!
    rest = rest.slice(match[0].length)
  }
  if (!rest.startsWith('CMD ')) throw new Error(`HEALTHCHECK without CMD: ${args}`)
  const command = execForm(rest.slice(4).trim())
  if (!command) throw new Error('HEALTHCHECK CMD must use the exec form')
  return { options, command }
}

// ---- .dockerignore ----------------------------------------------------------------------------------------

export type IgnoreRule = { negate: boolean; regex: RegExp; pattern: string }

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!')
      const pattern = path.posix.normalize((negate ? line.slice(1) : line).replace(/^\/+/, ''))
      let source = ''
      for (let i = 0; i < pattern.length; i++) {
        const char = pattern[i]!
        if (char === '*' && pattern[i + 1] === '*') {
          source += '.*'
          i++
          if (pattern[i + 1] === '/') i++
        } else if (char === '*') source += '[^/]*'
        else if (char === '?') source += '[^/]'
        else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&')
      }
      return { negate, regex: new RegExp(`^${source}$`), pattern }
    })
}

/** Docker's rule: the last matching pattern wins; a pattern matching a parent directory covers its files. */
export function isIgnored(relative: string, rules: IgnoreRule[]): boolean {
  const parts = relative.split('/')
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'))
  let ignored = false
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negate
  }
  return ignored
}

// ---- execution outside Docker -------------------------------------------------------------------------------

export type StageResult = {
  root: string
  workdir: string
  env: Record<string, string>
  user: string | undefined
  cmd: string[] | undefined
  healthcheck: { options: Record<string, string>; command: string[] } | undefined
}

export type RunOptions = {
  context: string
  ignoreFile: string
  /** Each stage's filesystem becomes `${workRoot}/${stage}`. */
  workRoot: string
  /** Stages to build (with the stages they depend on); default: the last one. */
  targets?: string[]
  log?: (line: string) => void
}

export function buildStages(file: Dockerfile, options: RunOptions): Map<string, StageResult> {
  const rules = existsSync(options.ignoreFile) ? parseDockerignore(readFileSync(options.ignoreFile, 'utf8')) : []
  const results = new Map<string, StageResult>()
  const byName = new Map(file.stages.map((stage) => [stage.name, stage]))
  const build = (stage: Stage): StageResult => {
    const done = results.get(stage.name)
    if (done) return done
    const root = path.join(options.workRoot, stage.name)
    const parent = byName.get(stage.from)
    const state: StageResult = parent
      ? (() => {
          const base = build(parent)
          cpSync(base.root, root, { recursive: true, verbatimSymlinks: true })
          return { ...base, root, env: { ...base.env } }
        })()
      : { root, workdir: '/', env: {}, user: undefined, cmd: undefined, healthcheck: undefined }
    mkdirSync(root, { recursive: true })
    const args: Record<string, string> = { ...file.globalArgs }
    for (const instruction of stage.instructions) {
      const where = `Dockerfile line ${instruction.line} (${stage.name})`
      switch (instruction.keyword) {
        case 'ARG': {
          const [key = '', value] = instruction.args.split('=')
          if (value !== undefined || !(key in args)) args[key] = value ?? ''
          break
        }
        case 'WORKDIR':
          state.workdir = path.posix.resolve(state.workdir, instruction.args)
          mkdirSync(path.join(root, state.workdir), { recursive: true })
          break
        case 'ENV':
          Object.assign(state.env, parseEnv(instruction.args))
          break
        case 'USER':
          state.user = instruction.args
          break
        case 'CMD':
          state.cmd = execForm(instruction.args)
          if (!state.cmd) throw new Error(`${where}: CMD must use the exec form`)
          break
        case 'HEALTHCHECK':
          state.healthcheck = parseHealthcheck(instruction.args)
          break
        case 'EXPOSE':
        case 'STOPSIGNAL':
          break
        case 'COPY':
          copy(instruction.args, state, where)
          break
        case 'RUN': {
          options.log?.(`[${stage.name}] RUN ${instruction.args}`)
          const result = spawnSync('sh', ['-c', instruction.args], {
            cwd: path.join(root, state.workdir),
            env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...state.env },
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
          })
          if (result.status !== 0) {
            throw new Error(`${where}: RUN ${instruction.args} failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
          }
          break
        }
        default:
          throw new Error(`${where}: ${instruction.keyword} is not supported by the emulator`)
      }
    }
    results.set(stage.name, state)
    return state
  }

  const copy = (rawArgs: string, state: StageResult, where: string) => {
    const words = rawArgs.split(/\s+/)
    let from: string | undefined
    while (words[0]?.startsWith('--')) {
      const flag = words.shift()!
      if (flag.startsWith('--from=')) from = flag.slice('--from='.length)
      else if (!flag.startsWith('--chown=') && !flag.startsWith('--chmod=')) throw new Error(`${where}: COPY ${flag} unsupported`)
    }
    const dest = words.pop()
    if (!dest || words.length === 0) throw new Error(`${where}: COPY needs a source and a destination`)
    const destAbs = path.join(state.root, path.posix.resolve(state.workdir, dest))
    const intoDir = dest.endsWith('/') || words.length > 1
    for (const source of words) {
      let sourceAbs: string
      let filter: ((file: string) => boolean) | undefined
      if (from !== undefined) {
        const fromStage = byName.get(from)
        if (!fromStage) throw new Error(`${where}: COPY --from=${from}: no such stage`)
        const other = build(fromStage)
        sourceAbs = path.join(other.root, path.posix.resolve(other.workdir, source))
      } else {
        const relative = path.posix.normalize(source).replace(/^\.\/?/, '')
        if (relative.startsWith('..')) throw new Error(`${where}: ${source} is outside the build context`)
        if (isIgnored(relative, rules)) throw new Error(`${where}: ${source} is excluded by .dockerignore`)
        sourceAbs = path.join(options.context, relative)
        filter = (file) => {
          const rel = path.relative(options.context, file).split(path.sep).join('/')
          return rel === '' || !isIgnored(rel, rules)
        }
      }
      if (!existsSync(sourceAbs)) throw new Error(`${where}: COPY source ${source} does not exist`)
      const target = intoDir && !statSync(sourceAbs).isDirectory() ? path.join(destAbs, path.basename(sourceAbs)) : destAbs
      mkdirSync(path.dirname(target), { recursive: true })
      cpSync(sourceAbs, target, { recursive: true, verbatimSymlinks: true, ...(filter ? { filter } : {}) })
    }
  }

  for (const name of options.targets ?? [file.stages.at(-1)!.name]) {
    const target = byName.get(name)
    if (!target) throw new Error(`no stage ${name}`)
    build(target)
  }
  return results
}
