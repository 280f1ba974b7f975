const TITLES: Partial<Record<number, string>> = {
  502: 'Sistema indisponível',
  503: 'Sistema sobrecarregado',
  504: 'O sistema demorou demais para responder',
}

/**
 * The page a browser shows when the legacy app cannot answer a navigation (502, 503, 504): in the app's
 * language, with a way back and the request id for support. Other statuses have no page (undefined).
 */
export function errorPage(status: number, message: string, requestId: string): string | undefined {
  const title = TITLES[status]
  if (!title) return undefined
  return `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Estoque</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.5rem}small{color:#666}</style>
</head>
<body>
<h1>${title}</h1>
<p>${escapeHtml(message)}. Tente novamente em alguns instantes.</p>
<p><a href="">Tentar de novo</a> · <a href="/">Página inicial</a></p>
<p><small>Código ${status} · requisição ${escapeHtml(requestId)}</small></p>
</body>
</html>
`
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
