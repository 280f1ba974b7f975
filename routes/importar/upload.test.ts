import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readUpload } from './upload.js'

const LIMITS = { maxContentLength: 1024 * 1024, maxFormMemorySize: 1000, maxFormParts: 10 }
const mine = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith(`importar-${process.pid}-`))

function multipart(parts: string): Request {
  return new Request('http://test/api/importar', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: parts })
}

describe('readUpload', () => {
  it('spools the file to a private temp file, hashed, and cleanup removes it', async () => {
    const csv = 'codigo,nome\r\nA,Um\r\n'
    const upload = await readUpload(multipart(`--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\n${csv}\r\n--b--\r\n`), LIMITS)
    if (upload.kind !== 'file') throw new Error(`expected a file, got ${upload.kind}`)
    expect(readFileSync(upload.path, 'utf8')).toBe(csv)
    expect(statSync(upload.path).mode & 0o777).toBe(0o600)
    expect(upload).toMatchObject({ bytes: csv.length, sha256: createHash('sha256').update(csv).digest('hex') })
    await upload.cleanup()
    expect(existsSync(upload.path)).toBe(false)
  })

  it('leaves no temp file behind when there is no file, a malformed body or one over the limit', async () => {
    const before = mine()
    expect((await readUpload(multipart('--b\r\nContent-Disposition: form-data; name="outro"\r\n\r\nx\r\n--b--\r\n'), LIMITS)).kind).toBe('no-file')
    expect((await readUpload(multipart('--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\nunterminated'), LIMITS)).kind).toBe('no-file')
    const big = `--b\r\nContent-Disposition: form-data; name="arquivo"; filename="x.csv"\r\n\r\n${'x'.repeat(LIMITS.maxContentLength)}\r\n--b--\r\n`
    expect((await readUpload(multipart(big), LIMITS)).kind).toBe('too-large')
    expect(mine()).toEqual(before)
  })
})
