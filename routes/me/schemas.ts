import { z } from '@hono/zod-openapi'

/** The 200 body: `jsonify(email=current_user.email, nome=current_user.nome)`. */
export const MeResponse = z
  .object({ email: z.string().openapi({ example: 'demo@estoque.local' }), nome: z.string().openapi({ description: 'The user\'s name, or the e-mail when it has none' }) })
  .openapi('Usuario')
