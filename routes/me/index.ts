import { defineGroup } from '../../core/route.js'
import { me } from './route.js'

export const meGroup = defineGroup({ name: 'me', routes: [me] })
