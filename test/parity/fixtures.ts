import { Double, Long, ObjectId, type Db } from 'mongodb'
import { DEMO_USER } from '../../scripts/seed/index.js'

const id = (n: number) => new ObjectId(`5e0be10009${n.toString(16).padStart(14, '0')}`)

/**
 * Documents the seeder does not produce, added identically to every parity database: categories whose
 * code-point order differs from UTF-16 order (astral emoji vs fullwidth letters), a missing `unidade`,
 * fractional doubles whose sums depend on the order, a movement with `observacao: null` and one without
 * `usuario`; an inactive item with an Int64 past 2^53 and no dates.
 */
export async function addParityFixtures(db: Db, now: Date): Promise<void> {
  const created = new Date(now.getTime() - 86_400_000 * 100)
  await db.collection('itens').insertMany([
    { _id: id(1), codigo: 'ZZZ-0001', nome: 'Item emoji', categoria: '😀 Emoji', subcategoria: 'A', unidade: 'un', quantidade: 3, estoque_minimo: 5, ativo: true, criado_em: created, atualizado_em: created },
    { _id: id(2), codigo: 'ZZZ-0002', nome: 'Item largura total', categoria: 'Ｚenith', subcategoria: '', unidade: 'kg', quantidade: new Double(1.5), estoque_minimo: 1, ativo: true, criado_em: created, atualizado_em: created },
    { _id: id(3), codigo: 'ZZZ-0003', nome: 'Item sem unidade', categoria: 'Ｚenith', subcategoria: '😀', quantidade: new Double(0.1), estoque_minimo: new Double(0.3), ativo: true, criado_em: created, atualizado_em: created },
    { _id: id(4), codigo: 'ZZZ-0004', nome: 'Item décimos', categoria: 'Ｚenith', subcategoria: '😀', unidade: 'l', quantidade: new Double(0.2), estoque_minimo: 0, ativo: true, criado_em: created, atualizado_em: created },
    // Inactive (outside the dashboard and the default tree): an exact int past 2^53, no dates, null category.
    { _id: id(5), codigo: 'ZZZ-0005', nome: 'Item inteiro grande', categoria: null, unidade: 'un', quantidade: Long.fromString('9007199254740993'), estoque_minimo: 7, ativo: false },
  ])
  await db.collection('movimentacoes').insertMany([
    { _id: id(101), item_id: id(3), tipo: 'entrada', quantidade: new Double(0.1), data: new Date(now.getTime() - 60_000), usuario: DEMO_USER.email, observacao: null, estoque_anterior: 0, estoque_posterior: new Double(0.1) },
    { _id: id(102), item_id: id(4), tipo: 'entrada', quantidade: new Double(0.2), data: new Date(now.getTime() - 120_000), observacao: 'sem usuário', estoque_anterior: 0, estoque_posterior: new Double(0.2) },
  ])
}
