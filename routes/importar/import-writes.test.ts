import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Double, ObjectId, type Db } from 'mongodb'
import { connectTestDb } from '../../test/support/mongo.js'
import { WriteAdmission } from '../shared/write-admission.js'
import { IMPORT_OBSERVACAO, writeBatch } from './import-writes.js'
import type { ImportedItem } from './item-from-row.js'

let handle: Awaited<ReturnType<typeof connectTestDb>>
let db: Db

beforeAll(async () => {
  handle = await connectTestDb('import_writes')
  db = handle.db
})
afterAll(() => handle.drop())

const row = (codigo: string, quantidade: number): ImportedItem => ({ codigo, nome: `Item ${codigo} (importado)`, categoria: 'Cat', subcategoria: null, unidade: 'un', quantidade, estoque_minimo: 1 })

/** Items A1..An with stock 10; returns their codes. */
async function seedItems(prefix: string, count: number): Promise<string[]> {
  const codes = Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`)
  await db.collection('itens').insertMany(codes.map((codigo) => ({ _id: new ObjectId(), codigo, nome: codigo, unidade: 'un', quantidade: new Double(10), estoque_minimo: new Double(0), ativo: true })))
  return codes
}

/** Admission that lets `before` run once, just before the first write it admits (a racing writer). */
class RacedAdmission extends WriteAdmission {
  writes = 0
  constructor(private readonly before: () => Promise<void>) {
    super()
  }
  override async run<T>(write: () => Promise<T>): Promise<T | undefined> {
    if (this.writes++ === 0) await this.before()
    return super.run(write)
  }
}

describe('writeBatch: rows that keep the stock', () => {
  it('are written in one write, and count as updated', async () => {
    const codes = await seedItems('S', 6)
    const admission = new RacedAdmission(async () => {})
    const counts = await writeBatch(db, codes.map((codigo) => row(codigo, 10)), 'import@test', admission)
    expect(counts).toEqual({ criados: 0, atualizados: 6 })
    expect(admission.writes).toBe(1)
    const stored = await db.collection('itens').find({ codigo: { $in: codes } }).toArray()
    expect(stored.map((item) => [item.nome, item.quantidade])).toEqual(codes.map((codigo) => [`Item ${codigo} (importado)`, 10]))
  })

  it('when a movement changes one of those stocks before the write, that item gets its ajuste and the others their fields', async () => {
    const codes = await seedItems('R', 5)
    // A saída of 2 on R3 lands between the batch's read and its write.
    const admission = new RacedAdmission(async () => {
      await db.collection('itens').updateOne({ codigo: 'R3' }, { $set: { quantidade: new Double(8) } })
    })
    const counts = await writeBatch(db, codes.map((codigo) => row(codigo, 10)), 'import@test', admission)
    expect(counts).toEqual({ criados: 0, atualizados: 5 })
    const stored = await db.collection('itens').find({ codigo: { $in: codes } }, { sort: { codigo: 1 } }).toArray()
    expect(stored.map((item) => [item.codigo, item.nome, item.quantidade])).toEqual(codes.map((codigo) => [codigo, `Item ${codigo} (importado)`, 10]))
    const r3 = stored.find((item) => item.codigo === 'R3')!
    const ajustes = await db.collection('movimentacoes').find({ item_id: r3._id }).toArray()
    expect(ajustes).toMatchObject([{ tipo: 'ajuste', observacao: IMPORT_OBSERVACAO, estoque_anterior: 8, estoque_posterior: 10 }])
    expect(await db.collection('movimentacoes').countDocuments({ item_id: { $in: stored.filter((item) => item.codigo !== 'R3').map((item) => item._id) } })).toBe(0)
  })
})
