/**
 * One row as Python's `csv.writer` (default `excel` dialect) writes it: QUOTE_MINIMAL — a field is quoted
 * when it holds the delimiter, the quote character or a character of the line terminator (`\r`, `\n`);
 * quotes inside are doubled; rows end with `\r\n`. Fields are already `str()`-ed (None as '').
 */
export function csvRow(fields: readonly string[]): string {
  let row = ''
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!
    if (i > 0) row += ','
    row += NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field
  }
  return `${row}\r\n`
}

const NEEDS_QUOTES = /[,"\r\n]/
