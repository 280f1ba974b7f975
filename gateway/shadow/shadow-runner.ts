import type { LegacyCopy, LegacyForward, ShadowRequest } from '../../core/dispatch.js'
import { compareWithGateway } from './compare.js'
import type { ShadowRecorder } from './shadow-recorder.js'

/**
 * Shadow mode: the legacy app answers the client (its response is copied as it streams), then the gateway's
 * run of the same request is compared with it, off the request's path.
 */
export function shadowRunner(legacy: LegacyForward, recorder: ShadowRecorder, bodyLimitBytes: number) {
  return async ({ c, route, facts, runGateway }: ShadowRequest): Promise<Response> => {
    let copied: LegacyCopy | undefined
    const response = await legacy(c, { copy: { limitBytes: bodyLimitBytes, done: (copy) => (copied = copy) } })
    setImmediate(() => {
      void compareWithGateway(route, { requestId: facts.requestId, target: facts.rawTarget }, copied, async () => {
        const outcome = await runGateway()
        return outcome.kind === 'response' ? outcome.response : new Response(null, { status: 599, headers: { 'x-deferred': outcome.reason } })
      }, recorder)
    })
    return response
  }
}
