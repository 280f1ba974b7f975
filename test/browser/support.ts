/**
 * The browser side of the end-to-end journey: Debian's Chromium driven by playwright-core, a network and
 * error log per page, truth computed from MongoDB, screenshots as test artifacts.
 */
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from 'mongodb'
import { chromium, type Browser, type Page } from 'playwright-core'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Debian's `chromium` package (scripts/setup.ts installs it); never a Playwright-downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: run \`npx tsx scripts/setup.ts\` (apt-get installs chromium) or set CHROMIUM_PATH`)
  }
  // playwright-core gives every launch a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium keeps trying to reach Google services, which floods a closed network.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export type LoggedResponse = { method: string; url: string; path: string; status: number; upstream: string | undefined }

/** Everything the page did that a user could notice going wrong, and every response with who answered it. */
export class PageLog {
  readonly responses: LoggedResponse[] = []
  readonly consoleErrors: string[] = []
  readonly pageErrors: string[] = []
  readonly failedRequests: string[] = []
  private readonly pending: Promise<void>[] = []

  constructor(page: Page, private readonly origin: string) {
    page.on('console', (message) => {
      if (message.type() === 'error') this.consoleErrors.push(`${message.text()} @ ${JSON.stringify(message.location())}`)
    })
    page.on('pageerror', (error) => this.pageErrors.push(error.stack ?? error.message))
    page.on('requestfailed', (request) => {
      this.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? '?'}`)
    })
    page.on('response', (response) => {
      const url = new URL(response.url())
      if (url.origin !== this.origin) return
      this.pending.push(
        response.allHeaders().then(
          (headers) => {
            this.responses.push({
              method: response.request().method(),
              url: response.url(),
              path: url.pathname,
              status: response.status(),
              upstream: headers['x-gateway-upstream'],
            })
          },
          () => {},
        ),
      )
    })
  }

  /** Waits for the header reads still in flight, then returns the responses logged so far. */
  async settled(): Promise<LoggedResponse[]> {
    await Promise.all(this.pending)
    return this.responses
  }
}

export async function screenshotDir(mode: string): Promise<string> {
  const dir = path.join(root, 'test-results/screenshots', mode)
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  return dir
}

/** Parses a number as the frontend prints it (Intl pt-BR: "1.234,5"). */
export function parsePtBr(text: string): number {
  const cleaned = text.trim().replace(/\./g, '').replace(',', '.')
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) throw new Error(`not a pt-BR number: ${JSON.stringify(text)}`)
  return Number(cleaned)
}

const DAY_MS = 86_400_000

/** What the dashboard must show, computed straight from MongoDB (docs/legacy-api.md, GET /api/dashboard). */
export async function dashboardTruth(db: Db) {
  const itens = await db.collection('itens').find({}).toArray()
  const ativos = itens.filter((i) => i.ativo === true).sort((a, b) => (a.codigo < b.codigo ? -1 : 1))
  const todayStart = new Date(Date.now() - (Date.now() % DAY_MS))
  const tomorrow = new Date(todayStart.getTime() + DAY_MS)
  return {
    totalItens: ativos.length,
    quantidadeTotal: ativos.reduce((sum, i) => sum + Number(i.quantidade), 0),
    abaixoMinimo: ativos.filter((i) => Number(i.quantidade) < Number(i.estoque_minimo)).length,
    movimentacoesHoje: await db.collection('movimentacoes').countDocuments({ data: { $gte: todayStart, $lt: tomorrow } }),
    movimentacoesTotal: await db.collection('movimentacoes').countDocuments({}),
  }
}

/** The tree the estoque page must show: displayed category names in order, and the active items' codes. */
export async function hierarchyTruth(db: Db) {
  const ativos = await db.collection('itens').find({ ativo: true }).toArray()
  const shown = (value: unknown, blank: string) => (typeof value === 'string' && value !== '' ? value : blank)
  const categorias = [...new Set(ativos.map((i) => shown(i.categoria, 'Sem categoria')))]
  // Code-point order, like the legacy app (MongoDB's binary order of UTF-8 strings).
  categorias.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))))
  return { categorias, codigos: ativos.map((i) => String(i.codigo)).sort() }
}
