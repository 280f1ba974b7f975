/** Response bodies the legacy app (Werkzeug) sends on these paths, byte for byte. */

/** markupsafe.escape */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[char]!)
}

/** werkzeug.utils.redirect(location) body (302, text/html; charset=utf-8). */
export function redirectBody(location: string): string {
  const html = escapeHtml(location)
  return (
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${html}">${html}</a>. If not, click the link.\n`
  )
}

/** werkzeug.exceptions.TooManyRequests body, the page Werkzeug renders for a 429 outside /api/. */
export const TOO_MANY_REQUESTS_BODY =
  '<!doctype html>\n<html lang=en>\n<title>429 Too Many Requests</title>\n<h1>Too Many Requests</h1>\n' +
  '<p>This user has exceeded an allotted request count. Try again later.</p>\n'

export const HTML = 'text/html; charset=utf-8'

/** A page shaped like Werkzeug's HTML error pages (what the legacy app shows outside /api/), with a clear description. */
export function errorPage(status: number, title: string, description: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${escapeHtml(title)}</title>\n<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(description)}</p>\n`
}
