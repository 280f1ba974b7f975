import cluster, { type Worker } from 'node:cluster'

/** Message a worker sends (and the primary relays to every other worker) when it invalidates its cache. */
export const CACHE_INVALIDATE_MESSAGE = 'estoque-gateway:cache-invalidate'

/**
 * WEB_CONCURRENCY > 1: the primary forks that many workers (each a full gateway; node:cluster hands them the
 * listening socket), relays in-memory cache invalidations between them, re-forks a worker that dies, and on
 * SIGTERM/SIGINT passes the signal on and exits once every worker has drained (each applies SHUTDOWN_TIMEOUT_MS).
 */
export function runClusterPrimary(workers: number, shutdownTimeoutMs: number): void {
  let stopping = false
  const fork = (): Worker => {
    const worker = cluster.fork()
    worker.on('message', (message: unknown) => {
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
