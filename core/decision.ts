import { inCanary } from './canary.js'
import type { EffectiveRoute } from './route-settings.js'

export type Side = 'gateway' | 'legacy'
/** Why a side answered: the route's mode, the canary draw, a tester's override, a handler's deferral, a fallback. */
export type DecisionReason = 'mode' | 'canary' | 'override' | 'defer' | 'fallback' | 'unrouted'
export type Decision = { route: string; side: Side; why: DecisionReason; detail?: string }

/** `stickyKey` is computed only when the route is in canary mode (core/canary.ts `canaryIdentity`). */
export type DecisionInput = { stickyKey: () => string; override?: Side }

/** Who answers a declared route, before anything runs. Shadow requests are answered by the legacy app. */
export function decide(route: EffectiveRoute, input: DecisionInput): Decision {
  if (input.override) return { route: route.name, side: input.override, why: 'override' }
  switch (route.mode) {
    case 'migrated':
      return { route: route.name, side: 'gateway', why: 'mode' }
    case 'canary':
      return inCanary(input.stickyKey(), route.canaryPercent)
        ? { route: route.name, side: 'gateway', why: 'canary' }
        : { route: route.name, side: 'legacy', why: 'canary' }
    default:
      return { route: route.name, side: 'legacy', why: 'mode' }
  }
}
