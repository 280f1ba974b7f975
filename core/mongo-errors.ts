import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb'
import { DbBusyError } from './db-admission.js'

/**
 * Errors meaning "the database is unreachable right now", as opposed to a bug or a bad query — including
 * "too busy": the admission queue in front of it is full (core/db-admission.ts).
 */
export function isMongoUnavailable(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoOperationTimeoutError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof DbBusyError ||
    (error instanceof Error && error.name === 'WaitQueueTimeoutError')
  )
}
