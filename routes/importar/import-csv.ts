import { closeSync, openSync } from 'node:fs'
import type { Db } from 'mongodb'
import { CsvDictReader, CsvError, CsvReader } from '../../compat/python/csv-reader.js'
import { textLines, UnicodeDecodeError } from '../../compat/python/text-lines.js'
import { InvalidRow, itemFromRow, type ImportedItem } from './item-from-row.js'
import { writeBatch } from './import-writes.js'
import type { UploadedFile } from './upload.js'

/** `COLUNAS`, `LOTE` and `MAX_ERROS` of api_importacao.py. */
const COLUNAS = ['codigo', 'nome', 'categoria', 'subcategoria', 'unidade', 'quantidade', 'estoque_minimo']
const LOTE = 500
const MAX_ERROS = 100

export type ImportResult = { criados: number; atualizados: number; erros: Array<{ linha: bigint; erro: string }> }

/**
 * The body of the legacy `importar()` after the upload: DictReader over the decoded file, one item per row,
 * batches of 500, errors with the line numbers csv.py reports (including its quirks: `line_num + 1` for a
 * decoding error, DictReader's line_num not advanced over blank rows, 0 for a CSV error in the header).
 */
export async function importCsv(db: Db, file: UploadedFile, usuario: string): Promise<ImportResult> {
  const result: ImportResult = { criados: 0, atualizados: 0, erros: [] }
  const error = (linha: number, erro: string) => {
    if (result.erros.length < MAX_ERROS) result.erros.push({ linha: BigInt(linha), erro })
  }
  let lote: ImportedItem[] = []
  const gravar = async () => {
    if (lote.length === 0) return
    const counts = await writeBatch(db, lote, usuario)
    result.criados += counts.criados
    result.atualizados += counts.atualizados
    lote = []
  }
  const fd = 'path' in file ? openSync(file.path, 'r') : undefined
  const leitor = new CsvDictReader(new CsvReader(textLines(fd ?? (file as { bytes: Buffer }).bytes)))
  try {
    const cabecalho = leitor.fieldnames() ?? []
    if (!cabecalho.includes('codigo') || !cabecalho.includes('nome')) {
      error(1, `Cabeçalho inválido: esperado ${COLUNAS.join(',')}`)
    } else {
      for (let linha = leitor.next(); linha; linha = leitor.next()) {
        try {
          lote.push(itemFromRow(linha))
        } catch (invalid) {
          if (!(invalid instanceof InvalidRow)) throw invalid
          error(leitor.lineNum, invalid.message)
        }
        if (lote.length >= LOTE) await gravar()
      }
    }
  } catch (failure) {
    if (failure instanceof UnicodeDecodeError) error(leitor.lineNum + 1, 'Arquivo não está em UTF-8')
    else if (failure instanceof CsvError) error(leitor.lineNum, `CSV inválido: ${failure.message}`)
    else throw failure
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
  await gravar()
  return result
}
