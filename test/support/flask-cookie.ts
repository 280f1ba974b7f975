import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * A `session` cookie value made by Flask itself (the repo's .venv, see test/support/flask-cookie.py),
 * signed with `secretKey` as if at `timestampSeconds`: for expired or otherwise crafted sessions.
 */
export async function flaskSessionCookie(secretKey: string, data: Record<string, unknown>, timestampSeconds: number): Promise<string> {
  const { stdout } = await promisify(execFile)(path.join(root, '.venv/bin/python'), [
    path.join(root, 'test/support/flask-cookie.py'),
    secretKey,
    String(timestampSeconds),
    JSON.stringify(data),
  ])
  return stdout.trim()
}
