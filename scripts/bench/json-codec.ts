/**
 * Micro-benchmark of the legacy JSON encoder (core/legacy-json.ts) on a hierarchy-sized body: 2,000 items
 * read with their BSON types, grouped by the route's own code. `npx tsx scripts/bench/json-codec.ts`.
 */
import { Double, Int32, ObjectId } from 'mongodb'
import { buildTree } from '../../routes/estoque-hierarquia/build-tree.js'
import { legacyJsonText } from '../../core/legacy-json.js'

const items = Array.from({ length: 2000 }, (_, i) => ({
  _id: new ObjectId(),
  codigo: `ITM-${String(i).padStart(5, '0')}`,
  nome: `Item ${i} — ${i % 7 === 0 ? 'Elétrico 😀' : 'comum'}`,
  categoria: `Categoria ${i % 12}`,
  subcategoria: i % 5 === 0 ? '' : `Sub ${i % 9}`,
  unidade: 'un',
  quantidade: i % 3 === 0 ? new Int32(i) : new Double(i / 4),
  estoque_minimo: new Double(10),
  ativo: true,
}))

function measure(name: string, run: () => unknown, rounds = 300): void {
  for (let i = 0; i < 30; i++) run()
  const start = process.hrtime.bigint()
  for (let i = 0; i < rounds; i++) run()
  const perRun = Number(process.hrtime.bigint() - start) / rounds / 1e6
  console.log(`${name}: ${perRun.toFixed(3)} ms per body`)
}

const tree = buildTree(items, undefined)
const text = legacyJsonText(tree)
console.log(`body: ${text.length} bytes, ${items.length} items`)
measure('buildTree (Python arithmetic, BSON-typed values)', () => buildTree(items, undefined))
measure('legacyJsonText (sorted keys, ASCII escapes, float repr)', () => legacyJsonText(tree))
measure('JSON.stringify of the same tree (reference, wrong bytes)', () => JSON.stringify(tree, (_, v) => (typeof v === 'bigint' ? Number(v) : v)))
