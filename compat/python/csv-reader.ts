/**
 * Python 3.11's `csv.reader` (excel dialect, strict off) over the lines of `TextIOWrapper(newline="")`, and
 * `csv.DictReader` on top, ported from CPython's _csv.c / csv.py state for state: embedded newlines in
 * quoted fields, `""` escapes, text after a closing quote kept (non-strict), a record left open at EOF
 * returned, NUL accepted, the field size limit, and `line_num` counting physical lines as they are read.
 */

export class CsvError extends Error {}

/** A source of lines (each with its terminator); throws whatever decoding throws. */
export type LineSource = () => string | undefined

const FIELD_LIMIT = 131072
const EOL = -1
const enum State { StartRecord, StartField, InField, InQuotedField, QuoteInQuotedField, EatCrnl }

export class CsvReader {
  lineNum = 0
  private state = State.StartRecord
  private fields: string[] = []
  private field = ''
  private fieldLen = 0

  constructor(private readonly next: LineSource) {}

  /** The next record, or undefined at the end of input. */
  read(): string[] | undefined {
    this.fields = []
    this.field = ''
    this.fieldLen = 0
    this.state = State.StartRecord
    do {
      const line = this.next()
      if (line === undefined) {
        if (this.fieldLen !== 0 || (this.state as State) === State.InQuotedField) {
          this.saveField()
          break
        }
        return undefined
      }
      this.lineNum++
      for (const char of line) this.process(char.codePointAt(0)!, char)
      this.process(EOL, '')
    } while (this.state !== State.StartRecord)
    const fields = this.fields
    this.fields = []
    return fields
  }

  private saveField() {
    this.fields.push(this.field)
    this.field = ''
    this.fieldLen = 0
  }

  private add(char: string) {
    if (this.fieldLen >= FIELD_LIMIT) throw new CsvError(`field larger than field limit (${FIELD_LIMIT})`)
    this.field += char
    this.fieldLen++
  }

  private process(c: number, char: string) {
    const newline = c === 0x0a || c === 0x0d
    switch (this.state) {
      case State.StartRecord:
        if (c === EOL) return
        if (newline) {
          this.state = State.EatCrnl
          return
        }
        this.state = State.StartField
      // falls through
      case State.StartField:
        if (newline || c === EOL) {
          this.saveField()
          this.state = c === EOL ? State.StartRecord : State.EatCrnl
        } else if (c === 0x22) this.state = State.InQuotedField
        else if (c === 0x2c) this.saveField()
        else {
          this.add(char)
          this.state = State.InField
        }
        return
      case State.InField:
        if (newline || c === EOL) {
          this.saveField()
          this.state = c === EOL ? State.StartRecord : State.EatCrnl
        } else if (c === 0x2c) {
          this.saveField()
          this.state = State.StartField
        } else this.add(char)
        return
      case State.InQuotedField:
        if (c === EOL) return
        if (c === 0x22) this.state = State.QuoteInQuotedField
        else this.add(char)
        return
      case State.QuoteInQuotedField:
        if (c === 0x22) {
          this.add(char)
          this.state = State.InQuotedField
        } else if (c === 0x2c) {
          this.saveField()
          this.state = State.StartField
        } else if (newline || c === EOL) {
          this.saveField()
          this.state = c === EOL ? State.StartRecord : State.EatCrnl
        } else {
          this.add(char)
          this.state = State.InField
        }
        return
      case State.EatCrnl:
        if (newline) return
        if (c === EOL) {
          this.state = State.StartRecord
          return
        }
        throw new CsvError("new-line character seen in unquoted field - do you need to open the file with newline=''?")
    }
  }
}

/**
 * `csv.DictReader` with restkey/restval None: its `line_num` is only updated where csv.py updates it (after each
 * record read by `__next__`, and by every read of the `fieldnames` property).
 */
export class CsvDictReader {
  lineNum = 0
  private names: string[] | null | undefined

  constructor(private readonly reader: CsvReader) {}

  /** The `fieldnames` property: the first record (None for an empty file). */
  fieldnames(): string[] | null {
    if (this.names === undefined) {
      const first = this.reader.read()
      this.names = first ?? null
    }
    this.lineNum = this.reader.lineNum
    return this.names
  }

  /** `__next__`: a row as a dict (later duplicate names win), or undefined at the end. */
  next(): Map<string | null, string | string[] | null> | undefined {
    if (this.lineNum === 0) this.fieldnames()
    let row = this.reader.read()
    if (row === undefined) return undefined
    this.lineNum = this.reader.lineNum
    while (row.length === 0) {
      row = this.reader.read()
      if (row === undefined) return undefined
    }
    // csv.py reads `self.fieldnames` to build the dict, and that property sets line_num again: a row after
    // blank lines reports its own line, not the first blank one.
    this.lineNum = this.reader.lineNum
    const names = this.names ?? []
    const dict = new Map<string | null, string | string[] | null>()
    for (let i = 0; i < Math.min(names.length, row.length); i++) dict.set(names[i]!, row[i]!)
    if (names.length < row.length) dict.set(null, row.slice(names.length))
    else for (const name of names.slice(row.length)) dict.set(name, null)
    return dict
  }
}
