/** The board's HTML shell and style sheet; the script (board-client.ts) fills it from /_gateway/board/data. */
export const BOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export const BOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Migration board · estoque gateway</title>
<link rel="stylesheet" href="/_gateway/board.css">
<script src="/_gateway/board.js" defer></script>
</head>
<body>
<header>
  <h1>Migration board</h1>
  <p id="summary">Loading…</p>
  <p id="generated"></p>
</header>
<p id="notice" class="notice" role="status"></p>
<section>
  <h2>Routes</h2>
  <table>
    <thead><tr><th>Route</th><th>Mode</th><th>Change mode</th><th>Traffic share</th><th>Requests/min</th><th>Shadow match</th><th>Latency p50 / p95</th><th>Errors</th></tr></thead>
    <tbody id="routes"></tbody>
  </table>
</section>
<section>
  <h2>Backlog: what to migrate next</h2>
  <p class="hint">Legacy endpoints no declaration serves yet, ranked by the time the legacy app spent answering them (traffic × latency).</p>
  <table>
    <thead><tr><th>#</th><th>Endpoint</th><th>Requests</th><th>Mean / p95</th><th>Legacy time</th><th>Requests/min</th></tr></thead>
    <tbody id="backlog"></tbody>
  </table>
</section>
<section>
  <h2>Recent changes</h2>
  <ul id="changes"></ul>
</section>
</body>
</html>
`

export const BOARD_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d232b; background: #f6f7f9; }
body { margin: 0 auto; max-width: 1400px; padding: 1rem 1.5rem 3rem; }
h1 { margin: 0.2rem 0; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 0.5rem; }
h4 { margin: 0.5rem 0 0.2rem; font-size: 0.9rem; }
h5 { margin: 0 0 0.2rem; font-size: 0.8rem; }
table { width: 100%; border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; font-size: 0.85rem; }
th { background: #eef0f3; font-weight: 600; }
.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
.rule, .source, small, .hint { color: #5b6470; font-size: 0.75rem; }
.mode { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 1rem; font-weight: 600; font-size: 0.8rem; }
.mode-legacy { background: #e9e3d6; } .mode-shadow { background: #dde6f7; } .mode-canary { background: #fbe7c6; } .mode-migrated { background: #d3efd8; }
.controls button { font-size: 0.75rem; margin: 0 0.15rem 0.15rem 0; padding: 0.15rem 0.4rem; border: 1px solid #b8bec6; background: #fff; border-radius: 0.25rem; cursor: pointer; }
.controls button.current { background: #1d232b; color: #fff; }
.share { width: 120px; height: 8px; background: #d9b97a; border-radius: 4px; overflow: hidden; }
.share-gateway { display: block; height: 100%; background: #2f8f4e; }
.spark-line { stroke: #2b6cb0; stroke-width: 1.5; }
.detail { background: #fafbfc; }
.paths { margin: 0; padding-left: 1.2rem; }
.diff { display: grid; grid-template-columns: 1fr 1fr; gap: 0.5rem; }
.diff pre { max-height: 16rem; overflow: auto; background: #fff; border: 1px solid #e3e6ea; padding: 0.4rem; font-size: 0.72rem; margin: 0; }
.noise { color: #5b6470; font-size: 0.75rem; }
.notice { min-height: 1.2rem; color: #1f6f3a; } .notice.bad { color: #b42318; }
#changes li.rollback { color: #b42318; font-weight: 600; }
`
