import type { ErrorHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { GatewayEnv } from '../../core/env.js'
import { isMongoUnavailable } from '../../core/mongo-errors.js'
import type { Logger } from '../../core/logger.js'

/**
 * Last-resort error mapping for gateway-answered requests. Bodies follow the legacy app's `{"erro": ...}`
 * convention so the frontend shows them the same way.
 */
export function errorResponses(logger: Logger): ErrorHandler<GatewayEnv> {
  return (error, c) => {
    const requestId = c.get('requestId')
    if (error instanceof HTTPException) return error.getResponse()
    if (isMongoUnavailable(error)) {
      logger.warn({ requestId, err: error }, 'mongodb unavailable')
      return c.json({ erro: 'Banco de dados indisponível', requestId }, 503, { 'retry-after': '5' })
    }
    logger.error({ requestId, err: error }, 'unhandled error')
    return c.json({ erro: 'Erro interno', requestId }, 500)
  }
}
