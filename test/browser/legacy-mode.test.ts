// The journey with every migrated route switched back to the legacy app (ROUTE_MODES=…=legacy).
import { describeJourney } from './journey.js'

describeJourney('legacy')
