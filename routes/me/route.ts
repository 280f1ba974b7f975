import { defineRoute } from '../../core/route.js'
import { UnauthenticatedResponse, UnavailableResponse } from '../shared/openapi.js'
import { handleMe } from './handler.js'
import { MeResponse } from './schemas.js'

/** GET /api/me (legacy view `api_estoque.me`): the logged-in user. */
export const me = defineRoute({
  name: 'me',
  methods: ['GET'],
  rule: '/api/me',
  mode: 'migrated',
  fallback: true,
  auth: 'login_required',
  openapi: {
    tags: ['auth'],
    summary: 'The logged-in user',
    responses: {
      200: { description: 'E-mail and name', content: { 'application/json': { schema: MeResponse } } },
      401: UnauthenticatedResponse,
      503: UnavailableResponse,
    },
  },
  handle: handleMe,
})
