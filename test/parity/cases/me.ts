import type { ParityCase } from '../corpus.js'

// Parity cases of GET /api/me (route `me`).
export const readCases: ParityCase[] = [
  { name: 'me: the logged-in user', method: 'GET', target: '/api/me' },
  { name: 'me: a query string is ignored', method: 'GET', target: '/api/me?email=x' },
  { name: 'me: without session → 401', method: 'GET', target: '/api/me', anonymous: true },
  { name: 'me: forged session cookie → 401', method: 'GET', target: '/api/me', anonymous: true, headers: { cookie: 'session=eyJfdXNlcl9pZCI6IngifQ.forged.sig' } },
]

export const writeCases: ParityCase[] = []
