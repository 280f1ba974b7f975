import { jsonResponse } from '../../core/legacy-json.js'
import type { RouteContext } from '../../core/route.js'

/** GET /api/me: the legacy view `api_estoque.me` — `jsonify(email=current_user.email, nome=current_user.nome)`. */
export async function handleMe(ctx: RouteContext): Promise<Response> {
  const user = ctx.user!
  return jsonResponse({ email: user.email, nome: user.nome })
}
