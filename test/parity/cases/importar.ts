import type { ParityCase } from '../corpus.js'

// Parity cases of POST /api/importar (route `importar`) in the shared corpus, applied in order to twin
// databases. Only rows that create items or leave stocks as they are: a changed stock is recorded as an
// ajuste movement by the gateway and by nothing in the legacy app (docs/compatibility.md), which
// test/parity/import.test.ts checks on its own, with the rest of the importer's cases.
const BOUNDARY = '----corpusbound'
const HEADER = 'codigo,nome,categoria,subcategoria,unidade,quantidade,estoque_minimo\r\n'

function upload(name: string, csv: string, options: { field?: string; anonymous?: boolean } = {}): ParityCase {
  const body =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${options.field ?? 'arquivo'}"; filename="itens.csv"\r\n` +
    `Content-Type: text/csv\r\n\r\n${csv}\r\n--${BOUNDARY}--\r\n`
  return {
    name: `importar: ${name}`,
    method: 'POST',
    target: '/api/importar',
    headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    body,
    ...(options.anonymous ? { anonymous: true } : {}),
  }
}

export const readCases: ParityCase[] = []

export const writeCases: ParityCase[] = [
  upload('new items, a row error, a decimal comma', `${HEADER}CSV-1,Arruela,Fixação,Arruelas,un,10,2\r\nCSV-2,"Cabo, 4mm",Elétrica,,M,"2,5",1\r\n,sem código\r\n`),
  upload('the same rows again: updated, stocks unchanged', `${HEADER}CSV-1,Arruela lisa,Fixação,Arruelas,un,10,3\r\nCSV-2,"Cabo, 4mm",Elétrica,,m,2.5,1\r\n`),
  upload('wrong header', 'code,name\r\nCSV-3,x\r\n'),
  upload('no arquivo field → 400', `${HEADER}CSV-4,x\r\n`, { field: 'outro' }),
  upload('no session → 401', `${HEADER}CSV-5,x\r\n`, { anonymous: true }),
]
