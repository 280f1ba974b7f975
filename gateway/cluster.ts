import cluster, { type Worker } from 'node:cluster'
import { AggregatorRegistry, type Registry } from 'prom-client'

/** Message a worker sends (and the primary relays to every other worker) when it invalidates its cache. */
export const CACHE_INVALIDATE_MESSAGE = 'estoque-gateway:cache-invalidate'

/**
 * WEB_CONCURRENCY > 1: the primary forks that many workers (each a full gateway; node:cluster hands them the
 * listening socket), relays in-memory cache invalidations between them, re-forks a worker that dies, and on
 * SIGTERM/SIGINT passes the signal on and exits once every worker has drained (each applies SHUTDOWN_TIMEOUT_MS).
 */
export function runClusterPrimary(workers: number, shutdownTimeoutMs: number): void {
  let stopping = false
  const aggregator = new AggregatorRegistry()
  const fork = (): Worker => {
    const worker = cluster.fork()
    worker.on('message', (message: unknown) => {
      if (isMetricsRequest(message)) return answerMetricsRequest(aggregator, worker, message.id)
      if (message !== CACHE_INVALIDATE_MESSAGE) return
      for (const other of Object.values(cluster.workers ?? {})) {
        if (other && other !== worker && other.isConnected()) other.send(CACHE_INVALIDATE_MESSAGE)
      }
    })
    return worker
  }
  for (let i = 0; i < workers; i++) fork()
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0)
      return
    }
    process.stderr.write(`estoque-gateway: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`)
    setTimeout(fork, 1000).unref()
  })
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined)
    if (alive.length === 0) process.exit(0)
    for (const worker of alive) worker.process.kill(signal)
    setTimeout(() => process.exit(1), shutdownTimeoutMs + 5000).unref()
  }
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  process.once('SIGINT', () => shutdown('SIGINT'))
}

/** In a cluster worker: tell the other workers to drop their in-memory cache. No-op otherwise. */
export function broadcastCacheInvalidation(): void {
  if (cluster.isWorker && process.send) process.send(CACHE_INVALIDATE_MESSAGE)
}

/** In a cluster worker: run `onInvalidate` when another worker invalidated its cache. */
export function onPeerCacheInvalidation(onInvalidate: () => void): void {
  if (!cluster.isWorker) return
  process.on('message', (message: unknown) => {
    if (message === CACHE_INVALIDATE_MESSAGE) onInvalidate()
  })
}

/** A worker's request for every worker's metrics; the primary answers with `METRICS_RESPONSE`. */
const METRICS_REQUEST = 'estoque-gateway:metrics-request'
const METRICS_RESPONSE = 'estoque-gateway:metrics-response'
/** prom-client's clusterMetrics() gives up after a fixed 5 s; the asking worker waits a little longer. */
export const CLUSTER_METRICS_WAIT_MS = 6000

type MetricsRequest = { type: typeof METRICS_REQUEST; id: number }
type MetricsResponse = { type: typeof METRICS_RESPONSE; id: number; metrics?: string; error?: string }

function isMetricsRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as MetricsRequest).type === METRICS_REQUEST
}

function answerMetricsRequest(aggregator: { clusterMetrics(): Promise<string> }, worker: Worker, id: number): void {
  const reply = (response: MetricsResponse) => {
    if (worker.isConnected()) worker.send(response)
  }
  aggregator.clusterMetrics().then(
    (metrics: string) => reply({ type: METRICS_RESPONSE, id, metrics }),
    (error: unknown) => reply({ type: METRICS_RESPONSE, id, error: error instanceof Error ? error.message : String(error) }),
  )
}

/**
 * The Prometheus text of `/metrics`. In a cluster worker it is every worker's registry aggregated
 * (prom-client's AggregatorRegistry, run by the primary, which serves no HTTP itself): counters and
 * histograms are summed, so totals are the whole instance's. Outside a cluster, this process's registry.
 */
export function clusterAwareMetrics(registry: Registry): () => Promise<string> {
  if (!cluster.isWorker || !process.send) return () => registry.metrics()
  // Constructing one in a worker installs prom-client's answer to the primary's per-worker requests.
  new AggregatorRegistry()
  AggregatorRegistry.setRegistries([registry])
  let nextId = 0
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>()
  process.on('message', (message: unknown) => {
    const response = message as MetricsResponse
    if (typeof message !== 'object' || message === null || response.type !== METRICS_RESPONSE) return
    const waiter = pending.get(response.id)
    if (!waiter) return
    pending.delete(response.id)
    if (response.metrics !== undefined) waiter.resolve(response.metrics)
    else waiter.reject(new Error(`cluster metrics: ${response.error ?? 'no answer'}`))
  })
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`cluster metrics: no answer from the primary within ${CLUSTER_METRICS_WAIT_MS} ms`))
      }, CLUSTER_METRICS_WAIT_MS)
      pending.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      })
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest)
    })
}
