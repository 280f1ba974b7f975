import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { multipartBoundary, parseMultipartForm } from './multipart-form.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** `request.form` as Werkzeug 3.1's Request (the legacy app's venv) builds it from each body. */
function werkzeugForms(cases: Array<{ contentType: string; body: string }>): Array<Array<[string, string]>> {
  const script = `
import io, json, sys, base64
from werkzeug.wrappers import Request
out = []
for case in json.load(sys.stdin):
    body = base64.b64decode(case["body"])
    environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": case["contentType"], "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body)}
    out.append(list(Request(environ).form.items(multi=True)))
print(json.dumps(out))`
  const input = cases.map(({ contentType, body }) => ({ contentType, body: Buffer.from(body, 'utf8').toString('base64') }))
  return JSON.parse(execFileSync(path.join(root, '.venv/bin/python'), ['-c', script], { input: JSON.stringify(input) }).toString())
}

const B = '----WebKitFormBoundaryx7Yq2ZpQ'
const part = (headers: string, value: string) => `--${B}\r\n${headers}\r\n\r\n${value}\r\n`
const form = (...parts: string[]) => `${parts.join('')}--${B}--\r\n`
const CT = `multipart/form-data; boundary=${B}`

/** Bodies as browsers and curl send them: the gateway must read exactly Werkzeug's form. */
const ACCEPTED = [
  { contentType: CT, body: form(part('Content-Disposition: form-data; name="email"', '\u00a0DEMO@Estoque.Local\u3000'), part('Content-Disposition: form-data; name="password"', 'demo1234')) },
  { contentType: CT, body: form(part('content-disposition: form-data; name=email', 'a@b'), part('Content-Disposition: form-data; name="email"', 'second@b')) },
  { contentType: CT, body: form(part('Content-Disposition: form-data; name="email"; filename="x.txt"\r\nContent-Type: text/plain', 'file@b'), part('Content-Disposition: form-data; name="email"', 'field@b')) },
  { contentType: CT, body: form(part('Content-Disposition: form-data; name="email"\r\nContent-Type: text/plain; charset=UTF-8', 'ütf@b'), part('Content-Disposition: form-data; name="x"', 'line1\r\nline2')) },
  { contentType: `Multipart/Form-Data; boundary="${B}"`, body: form(part('Content-Disposition: form-data; name="email"', '')) },
  { contentType: CT, body: `--${B}--` },
]

describe('parseMultipartForm', () => {
  it('reads what Werkzeug reads from browser-shaped bodies', () => {
    const ours = ACCEPTED.map(({ contentType, body }) => parseMultipartForm(Buffer.from(body), contentType))
    expect(ours.every((fields) => fields !== null)).toBe(true)
    expect(ours).toEqual(werkzeugForms(ACCEPTED))
  })

  it('refuses what it does not reproduce (null), never guessing a different form', () => {
    const refused = [
      form(part('Content-Disposition: form-data; name="email"', 'a@b')).replaceAll('\r\n', '\n'), // bare LF
      `preamble\r\n${form(part('Content-Disposition: form-data; name="email"', 'a@b'))}`,
      form(part("Content-Disposition: form-data; name*=UTF-8''email", 'a@b')),
      form(part('Content-Disposition: form-data; name="em\\"ail"', 'a@b')),
      form(part('Content-Disposition: form-data; name="email"\r\nContent-Type: text/plain; charset=latin-1', 'a@b')),
      form(part('Content-Disposition: form-data; name="email"\r\nContent-Transfer-Encoding: base64', 'YUBi')),
      form(part('Content-Disposition: attachment; name="email"', 'a@b')),
      form(part('Content-Disposition: form-data', 'a@b')),
      `--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b`, // never closed
      form(part('Content-Disposition: form-data; name="email"', 'a@b')) + 'epilogue',
    ]
    for (const body of refused) expect(parseMultipartForm(Buffer.from(body), CT), JSON.stringify(body)).toBeNull()
    expect(parseMultipartForm(Buffer.from([...Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="email"\r\n\r\n`), 0xff, ...Buffer.from(`\r\n--${B}--`)]), CT)).toBeNull()
  })

  it('takes the boundary Werkzeug accepts', () => {
    expect(multipartBoundary(`multipart/form-data; boundary=${B}`)).toBe(B)
    expect(multipartBoundary('multipart/form-data; boundary="a b"; charset=x')).toBe('a b')
    expect(multipartBoundary('multipart/form-data')).toBeNull()
    expect(multipartBoundary(`multipart/form-data; boundary=${'x'.repeat(202)}`)).toBeNull()
  })
})
