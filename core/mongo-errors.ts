import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb'
import { DbBusyError } from './db-admission.js'
import { BreakerOpenError } from './breaker.js'

/**
 * Errors meaning "the database is unreachable right now", as opposed to a bug or a bad query — including
 * "too busy": the admission queue in front of it is full (core/db-admission.ts), and "recently
 * unreachable": the breaker in front of it is open (core/breaker.ts).
 */
export function isMongoUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof DbBusyError ||
    error instanceof BreakerOpenError ||
    (error instanceof Error && error.name === 'WaitQueueTimeoutError')
  )
}

/** A failure the breaker counts: the database itself did not answer (not "too busy" here, not the breaker itself). */
export function isDatabaseFailure(error: unknown): boolean {
  return isMongoUnavailable(error) && !(error instanceof DbBusyError) && !(error instanceof BreakerOpenError)
}
