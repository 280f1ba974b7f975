/** The committed url_map files must be what the exporters write now: a stale file fails here. */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { python, root } from './oracle.js'

const run = promisify(execFile)

it('routes/legacy-url-map.json is a fresh export of the reference legacy app', async () => {
  const { stdout } = await run(python, [path.join(root, 'scripts/legacy-url-map/export.py')], { cwd: root, env: { ...process.env, SECRET_KEY: '' } })
  const committed = readFileSync(path.join(root, 'routes/legacy-url-map.json'), 'utf8')
  expect(committed === stdout, 'routes/legacy-url-map.json is stale: regenerate it with `npm run legacy-url-map` and commit it').toBe(true)
})

it('compat/werkzeug/python-digits.ts matches the venv Python', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'python-digits-'))
  try {
    const target = path.join(dir, 'python-digits.ts')
    await run(python, [path.join(root, 'scripts/legacy-url-map/python-digits.py'), target], { cwd: root })
    const committed = readFileSync(path.join(root, 'compat/werkzeug/python-digits.ts'), 'utf8')
    expect(committed === (await readFile(target, 'utf8')), 'regenerate with `.venv/bin/python scripts/legacy-url-map/python-digits.py`').toBe(true)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
