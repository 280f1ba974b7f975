import { open, unlink, type FileHandle } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

/**
 * An anonymous temp file for a request or response spool: created exclusively, readable only by this
 * user, and unlinked at once, so the disk space is freed when the handle closes — or when the process
 * dies, whatever the cause.
 */
export async function openTempFile(dir: string | undefined, purpose: 'body' | 'response'): Promise<FileHandle> {
  const file = path.join(dir ?? tmpdir(), `estoque-gateway-${purpose}-${process.pid}-${randomBytes(8).toString('hex')}`)
  const handle = await open(file, 'wx+', 0o600)
  await unlink(file)
  return handle
}
