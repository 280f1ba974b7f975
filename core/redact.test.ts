import { describe, expect, it } from 'vitest'
import { redactBody, redactJson, redactText } from './redact.js'

describe('redaction', () => {
  it('replaces e-mail addresses anywhere in text', () => {
    expect(redactText('from demo@estoque.local to a.b+c@mail.example.com.br, not @here or x@y')).toBe('from [email] to [email], not @here or x@y')
  })

  it('replaces personal fields in JSON, keeps structure and other values', () => {
    const body = { itens: [{ nome: 'Cabo', quantidade: 3 }], movimentacoes: [{ usuario: 'Maria Silva', observacao: 'pedido de ana@empresa.com', email: null }] }
    expect(redactJson(body)).toEqual({ itens: [{ nome: 'Cabo', quantidade: 3 }], movimentacoes: [{ usuario: '[redacted]', observacao: 'pedido de [email]', email: null }] })
  })

  it('redacts bodies that are not (or no longer, after truncation) JSON by e-mail only', () => {
    expect(redactBody('{"usuario": "demo@estoque.local", "x": [1')).toBe('{"usuario": "[email]", "x": [1')
    expect(redactBody('{"usuario":"Maria"}')).toBe('{"usuario":"[redacted]"}')
    expect(redactBody('<p>demo@estoque.local</p>')).toBe('<p>[email]</p>')
  })
})

describe('configured redaction', () => {
  it('adds field names to the personal ones, case-insensitively', async () => {
    const { createRedactor } = await import('./redact.js')
    const redactor = createRedactor(['Nome_Cliente'])
    expect(redactor.json({ nome_cliente: 'Ana', nome: 'Cabo', usuario: 'x', email: 'a@b.com' })).toEqual({ nome_cliente: '[redacted]', nome: 'Cabo', usuario: '[redacted]', email: '[redacted]' })
    expect(redactor.body('{"NOME_CLIENTE":"Ana","obs":"ana@empresa.com"}')).toBe('{"NOME_CLIENTE":"[redacted]","obs":"[email]"}')
    expect(redactor.isPersonal('nome')).toBe(false)
    const scoped = createRedactor(['me:nome'])
    expect(scoped.forRoute('me').json({ nome: 'Ana', email: 'a@b.com' })).toEqual({ nome: '[redacted]', email: '[redacted]' })
    expect(scoped.forRoute('dashboard').json({ nome: 'Cabo' })).toEqual({ nome: 'Cabo' })
  })
})
