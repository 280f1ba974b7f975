import { pythonFloat } from '../../compat/python/float.js'
import { PyInt, isPyObject, type PyJson } from '../../compat/python/json-decode.js'
import { pyTruthy } from '../../compat/python/truthy.js'
import { pythonStrip } from '../../compat/python/unicode.js'

/** `UNIDADES` of the legacy util.py. */
export const UNIDADES = ['un', 'kg', 'm', 'l', 'cx'] as const

/** Where the legacy helper raises, the value is refused. */
const REFUSED = Symbol('refused')

/**
 * `_numero(valor, padrao=0.0)`: None and "" give the default; anything else goes through Python's `float()`
 * (bools are 0/1, ints exactly rounded or OverflowError, strings with Python's grammar: " 1e3 ", "1_000",
 * "inf", Unicode digits and spaces), then non-finite or negative values are refused (-0.0 is kept).
 */
export function pyNumero(valor: PyJson | undefined): number | typeof REFUSED {
  if (valor === undefined || valor === null || valor === '') return 0
  const numero = pythonFloat(valor)
  if (numero === undefined || !Number.isFinite(numero) || numero < 0) return REFUSED
  return numero
}

/** `_texto(valor)`: None stays None, a str is stripped (empty → None), anything else is refused. */
export function pyTexto(valor: PyJson | undefined): string | null | typeof REFUSED {
  if (valor === undefined || valor === null) return null
  if (typeof valor !== 'string') return REFUSED
  return pythonStrip(valor) || null
}

/** `valor in UNIDADES` (tuple membership is `==`: only these exact strings). */
const isUnidade = (valor: PyJson | undefined): valor is (typeof UNIDADES)[number] =>
  typeof valor === 'string' && (UNIDADES as readonly string[]).includes(valor)

const isNonBlankString = (valor: PyJson | undefined): valor is string => typeof valor === 'string' && pythonStrip(valor) !== ''

export type NewItem = {
  codigo: string
  nome: string
  categoria: string | null
  subcategoria: string | null
  unidade: (typeof UNIDADES)[number]
  quantidade: number
  estoque_minimo: number
}

export type Checked<T> = { ok: true; value: T } | { ok: false; erro: string }

/** The `criar_item()` body checks, in the legacy order. */
export function checkNewItem(dados: PyJson): Checked<NewItem> {
  if (!isPyObject(dados)) return { ok: false, erro: 'Dados inválidos' }
  const { codigo, nome } = dados
  if (!isNonBlankString(codigo) || !isNonBlankString(nome)) return { ok: false, erro: 'Código e nome são obrigatórios' }
  // `dados.get("unidade") or "un"`: every falsy value (None, "", 0, false, [], {}) means "un".
  const unidade = pyJsonTruthy(dados.unidade) ? dados.unidade : 'un'
  if (!isUnidade(unidade)) return { ok: false, erro: 'Unidade inválida' }
  const categoria = pyTexto(dados.categoria)
  const subcategoria = pyTexto(dados.subcategoria)
  if (categoria === REFUSED || subcategoria === REFUSED) return { ok: false, erro: 'Categoria inválida' }
  const quantidade = pyNumero(dados.quantidade)
  const estoqueMinimo = pyNumero(dados.estoque_minimo)
  if (quantidade === REFUSED || estoqueMinimo === REFUSED) return { ok: false, erro: 'Quantidade inválida' }
  return {
    ok: true,
    value: { codigo: pythonStrip(codigo), nome: pythonStrip(nome), categoria, subcategoria, unidade, quantidade, estoque_minimo: estoqueMinimo },
  }
}

export type ItemChanges = Partial<Pick<NewItem, 'nome' | 'categoria' | 'subcategoria' | 'unidade' | 'estoque_minimo'>>

/** The `atualizar_item()` body checks after the item was found, in the legacy order; only the keys sent change. */
export function checkItemChanges(dados: { [key: string]: PyJson }): Checked<ItemChanges> {
  const changes: ItemChanges = {}
  if (Object.hasOwn(dados, 'nome')) {
    if (!isNonBlankString(dados.nome)) return { ok: false, erro: 'Nome inválido' }
    changes.nome = pythonStrip(dados.nome)
  }
  for (const campo of ['categoria', 'subcategoria'] as const) {
    if (!Object.hasOwn(dados, campo)) continue
    const texto = pyTexto(dados[campo])
    if (texto === REFUSED) return { ok: false, erro: 'Categoria inválida' }
    changes[campo] = texto
  }
  if (Object.hasOwn(dados, 'unidade')) {
    if (!isUnidade(dados.unidade)) return { ok: false, erro: 'Unidade inválida' }
    changes.unidade = dados.unidade
  }
  if (Object.hasOwn(dados, 'estoque_minimo')) {
    const numero = pyNumero(dados.estoque_minimo)
    if (numero === REFUSED) return { ok: false, erro: 'Quantidade inválida' }
    changes.estoque_minimo = numero
  }
  return { ok: true, value: changes }
}

/** Python truthiness of a decoded JSON value (its objects are dicts whatever their JS prototype). */
function pyJsonTruthy(valor: PyJson | undefined): boolean {
  if (valor instanceof PyInt) return valor.value !== 0n
  if (isPyObject(valor as PyJson)) return Object.keys(valor as object).length > 0
  return pyTruthy(valor)
}
