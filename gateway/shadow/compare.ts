import type { LegacyCopy } from '../../core/dispatch.js'
import type { EffectiveRoute } from '../../core/route-settings.js'
import { firstDifference, type Json } from './json-diff.js'
import type { ShadowRecorder } from './shadow-recorder.js'

export type ShadowRequest = { requestId: string; target: string }

/**
 * Runs the gateway's handler for a request the legacy app already answered, and records whether the two
 * agree. Called after the client has its response; never throws (the candidate's failures are counted).
 */
export async function compareWithGateway(
  route: Pick<EffectiveRoute, 'name' | 'shadowIgnore'>,
  shadow: ShadowRequest,
  legacy: LegacyCopy | undefined,
  runGateway: () => Promise<Response>,
  recorder: ShadowRecorder,
): Promise<void> {
  const legacyJson = legacy && parseJson(legacy.contentType, legacy.body)
  if (!legacy || legacyJson === undefined) {
    recorder.record(route.name, 'skipped')
    return
  }
  let gatewayStatus: number
  let gatewayText: string
  let gatewayJson: Json | undefined
  try {
    const response = await runGateway()
    gatewayStatus = response.status
    gatewayText = await response.text()
    gatewayJson = parseJson(response.headers.get('content-type'), Buffer.from(gatewayText))
  } catch {
    recorder.record(route.name, 'error')
    return
  }
  const difference =
    gatewayStatus !== legacy.status
      ? `status ${legacy.status} vs ${gatewayStatus}`
      : gatewayJson === undefined
        ? 'gateway body is not JSON'
        : firstDifference(legacyJson, gatewayJson, [...route.shadowIgnore])
  if (!difference) {
    recorder.record(route.name, 'match')
    return
  }
  recorder.record(route.name, 'mismatch', {
    at: new Date().toISOString(),
    requestId: shadow.requestId,
    target: shadow.target,
    difference,
    legacy: { status: legacy.status, body: legacy.body?.toString('utf8') ?? '' },
    gateway: { status: gatewayStatus, body: gatewayText },
  })
}

function parseJson(contentType: string | null | undefined, body: Buffer | null): Json | undefined {
  if (!body || !contentType?.includes('json')) return undefined
  try {
    return JSON.parse(body.toString('utf8')) as Json
  } catch {
    return undefined
  }
}
