// Builds scripts/local-mongo/target/local-mongo.jar with Maven, only when it is missing or stale.
// Usage as a CLI: tsx scripts/local-mongo/build.ts
import { spawn } from 'node:child_process'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const projectDir = path.dirname(fileURLToPath(import.meta.url))
export const localMongoJar = path.join(projectDir, 'target', 'local-mongo.jar')

async function mtimeMs(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mtimeMs
  } catch {
    return undefined
  }
}

// Newest modification time among the inputs of the build: pom.xml and everything under src/.
async function newestInputMtime(): Promise<number> {
  const entries = await readdir(path.join(projectDir, 'src'), { recursive: true, withFileTypes: true })
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name))
  const times = await Promise.all([path.join(projectDir, 'pom.xml'), ...files].map(mtimeMs))
  return Math.max(...times.map((t) => t ?? 0))
}

function runMaven(): Promise<void> {
  return new Promise((resolve, reject) => {
    // -B: no colour codes or progress bars; -q: only errors. `clean` because the shade plugin fails to
    // replace a jar that the jar plugin considered up to date and left as the previous fat jar.
    const child = spawn('mvn', ['-q', '-B', 'clean', 'package'], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new Error('mvn not found on PATH: install Java 17+ and Maven 3.8+, or set MONGODB_URI to a real MongoDB')
          : err,
      ),
    )
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`mvn package failed (${signal ?? `exit code ${code}`}) in ${projectDir}:\n${output}`))
    })
  })
}

// One build per process even when several callers ask at once.
let building: Promise<string> | undefined

/** Returns the path of the runnable jar, building it first if it is missing or older than its sources. */
export function ensureLocalMongoJar(): Promise<string> {
  building ??= (async () => {
    const jarTime = await mtimeMs(localMongoJar)
    if (jarTime === undefined || jarTime < (await newestInputMtime())) await runMaven()
    return localMongoJar
  })().finally(() => {
    building = undefined
  })
  return building
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await ensureLocalMongoJar())
}
