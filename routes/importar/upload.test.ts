import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readUpload } from './upload.js'

const LIMITS = { maxContentLength: 1024 * 1024, maxFormMemorySize: 1000, maxFormParts: 10 }
const mine = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith(`importar-${process.pid}-`))

/** `declared`: with a Content-Length header (a Fetch Request made from a string has none). */
function multipart(parts: string, declared = false): Request {
  const headers: Record<string, string> = { 'content-type': 'multipart/form-data; boundary=b' }
  if (declared) headers['content-length'] = String(Buffer.byteLength(parts))
  return new Request('http://test/api/importar', { method: 'POST', headers, body: parts })
}
const filePart = (content: string) => `--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\n${content}\r\n--b--\r\n`

describe('readUpload', () => {
  it('keeps the file of a request declared at most 500 KiB in memory, as Werkzeug does, hashed', async () => {
    const csv = 'codigo,nome\r\nA,Um\r\n'
    const before = mine()
    const upload = await readUpload(multipart(filePart(csv), true), LIMITS)
    if (upload.kind !== 'file') throw new Error(`expected a file, got ${upload.kind}`)
    expect(upload.file).toEqual({ bytes: Buffer.from(csv) })
    expect(upload).toMatchObject({ bytes: csv.length, sha256: createHash('sha256').update(csv).digest('hex') })
    expect(mine()).toEqual(before)
    await upload.cleanup()
  })

  it('spools the file of a larger or undeclared request to a private temp file, and cleanup removes it', async () => {
    const csv = 'codigo,nome\r\nA,Um\r\n'
    const big = `codigo,nome\r\n${'B,Dois\r\n'.repeat(70_000)}`
    for (const [content, declared] of [[csv, false], [big, true]] as const) {
      const upload = await readUpload(multipart(filePart(content), declared), { ...LIMITS, maxContentLength: 32 * 1024 * 1024 })
      if (upload.kind !== 'file' || !('path' in upload.file)) throw new Error('expected a spooled file')
      expect(readFileSync(upload.file.path, 'utf8')).toBe(content)
      expect(statSync(upload.file.path).mode & 0o777).toBe(0o600)
      expect(upload).toMatchObject({ bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') })
      await upload.cleanup()
      expect(existsSync(upload.file.path)).toBe(false)
    }
  })

  it('leaves no temp file behind when there is no file, a malformed body or one over the limit', async () => {
    const before = mine()
    expect((await readUpload(multipart('--b\r\nContent-Disposition: form-data; name="outro"\r\n\r\nx\r\n--b--\r\n'), LIMITS)).kind).toBe('no-file')
    expect((await readUpload(multipart('--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\nunterminated'), LIMITS)).kind).toBe('no-file')
    expect((await readUpload(multipart('--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\nunterminated', true), LIMITS)).kind).toBe('no-file')
    const big = `--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\n${'x'.repeat(LIMITS.maxContentLength)}\r\n--b--\r\n`
    expect((await readUpload(multipart(big), LIMITS)).kind).toBe('too-large')
    expect(mine()).toEqual(before)
  })
})
