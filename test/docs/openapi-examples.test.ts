import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { openApiPath } from '../../gateway/routing/url-map.js'
import { openApiDocument } from '../../routes/openapi-docs.js'
import { routeDeclarations as declarations } from '../../routes/index.js'

type Node = Record<string, unknown>
type Example = { pointer: string; schemaPointer: string; value: unknown }

const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1')

/**
 * Every example in the document with the schema it must satisfy: a schema's own `example`/`examples`, and a
 * parameter's or media type's `example`/`examples[*].value` against its `schema`.
 */
function examplesOf(node: unknown, pointer = ''): Example[] {
  if (node === null || typeof node !== 'object') return []
  const found: Example[] = []
  const object = node as Node
  if (!Array.isArray(node)) {
    const schemaPointer = 'schema' in object ? `${pointer}/schema` : pointer
    if ('example' in object) found.push({ pointer: `${pointer}/example`, schemaPointer, value: object.example })
    const examples = object.examples
    if (Array.isArray(examples)) examples.forEach((value, i) => found.push({ pointer: `${pointer}/examples/${i}`, schemaPointer, value }))
    else if (examples !== null && typeof examples === 'object') {
      for (const [name, example] of Object.entries(examples as Record<string, Node>)) {
        found.push({ pointer: `${pointer}/examples/${escape(name)}`, schemaPointer, value: example.value })
      }
    }
  }
  for (const [key, child] of Object.entries(object)) {
    if (key === 'example' || key === 'examples') continue
    found.push(...examplesOf(child, `${pointer}/${escape(key)}`))
  }
  return found
}

/** The document as one schema resource, so `#/components/schemas/...` references resolve in it. */
function validatorFor(document: unknown) {
  // strict: false because the document's non-schema parts (paths, info) are not JSON Schema keywords.
  const ajv = new Ajv2020.default({ strict: false, allErrors: true })
  ajv.addSchema(document as object, 'openapi.json')
  return (example: Example) => {
    const validate = ajv.compile({ $ref: `openapi.json#${example.schemaPointer}` })
    return validate(example.value) ? [] : (validate.errors ?? []).map((e) => `${example.pointer}: ${e.instancePath} ${e.message}`)
  }
}

const document = openApiDocument(declarations, openApiPath) as Node

describe('the OpenAPI document of the migrated routes', () => {
  it('has examples, and every one passes its own schema', () => {
    const examples = examplesOf(document)
    expect(examples.map((e) => e.pointer)).toEqual(
      expect.arrayContaining([expect.stringContaining('/NovaMovimentacao/properties/item_id/example')]),
    )
    const check = validatorFor(document)
    expect(examples.flatMap(check)).toEqual([])
  })

  it('catches an example that breaks its pattern (the 28-hex-digit item_id of before)', () => {
    const broken = structuredClone(document) as { components: { schemas: Record<string, { properties: Record<string, Node> }> } }
    broken.components.schemas.NovaMovimentacao!.properties.item_id!.example = '5e0be10002000000000000000001'
    expect(examplesOf(broken).flatMap(validatorFor(broken))).toEqual([
      expect.stringContaining('/NovaMovimentacao/properties/item_id/example:  must match pattern'),
    ])
  })

  it('declares the session cookie and requires it exactly on the login_required routes', () => {
    const doc = document as { components: { securitySchemes: Node }; paths: Record<string, Record<string, { security?: unknown[] }>> }
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'session' })
    for (const route of declarations) {
      for (const method of route.methods) {
        const operation = doc.paths[openApiPath(route.rule)]![method.toLowerCase()]!
        expect(operation.security, `${method} ${route.rule}`).toEqual(route.auth === 'login_required' ? [{ session: [] }] : [])
      }
    }
  })

  it('declares the optional Idempotency-Key header of POST /api/movimentacoes', () => {
    const doc = document as { paths: Record<string, Record<string, { parameters?: Node[] }>> }
    const header = doc.paths['/api/movimentacoes']!.post!.parameters!.find((p) => p.in === 'header')
    expect(header).toMatchObject({ name: 'Idempotency-Key', required: false, schema: { type: 'string' } })
  })
})
