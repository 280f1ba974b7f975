// The journey with the route table's defaults: hierarquia, movimentacoes and dashboard answered by the gateway.
import { describeJourney } from './journey.js'

describeJourney('migrated')
