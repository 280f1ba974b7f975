// The board's script, served as /_gateway/board.js (a file of its own: the page's CSP allows no inline
// script). Plain browser JavaScript, no dependencies: it reads /_gateway/board/data every few seconds and
// changes a route's mode through PUT /_gateway/routes/{name} with the reason the operator gives.
export const BOARD_SCRIPT = String.raw`'use strict';
(function () {
  var REFRESH_MS = 5000;
  var MODES = ['legacy', 'shadow', 'canary', 'migrated'];
  var SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'className') node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
    return node;
  }
  function pct(value) { return value === null || value === undefined ? '–' : (Math.round(value * 1000) / 10) + '%'; }
  function ms(value) { return value === null || value === undefined ? '–' : value + ' ms'; }

  function sparkline(values, label) {
    var width = 120, height = 24;
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('width', width); svg.setAttribute('height', height); svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('class', 'spark'); svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
    var max = Math.max.apply(null, [1].concat(values || []));
    var points = (values || []).map(function (value, index) {
      var x = values.length > 1 ? (index * (width - 2)) / (values.length - 1) + 1 : width / 2;
      var y = height - 2 - (value / max) * (height - 4);
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    var line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' ')); line.setAttribute('fill', 'none'); line.setAttribute('class', 'spark-line');
    svg.appendChild(line);
    return svg;
  }

  function shareBar(route) {
    var total = route.served.gateway + route.served.legacy;
    var bar = el('div', { className: 'share', title: route.served.gateway + ' gateway / ' + route.served.legacy + ' legacy' });
    var gateway = el('span', { className: 'share-gateway' });
    gateway.style.width = total ? (100 * route.served.gateway / total) + '%' : '0';
    bar.appendChild(gateway);
    return el('div', {}, [bar, el('small', { text: total ? pct(route.gatewayShare) + ' gateway · ' + total + ' req' : 'no traffic' })]);
  }

  function modeControls(route) {
    var box = el('div', { className: 'controls' });
    MODES.forEach(function (mode) {
      var button = el('button', { type: 'button', 'data-mode': mode, className: mode === route.mode ? 'current' : '', text: mode });
      if (mode === route.mode && mode !== 'canary') button.disabled = true;
      button.addEventListener('click', function () { changeMode(route.name, mode); });
      box.appendChild(button);
    });
    return box;
  }

  function changeMode(name, mode) {
    var reason = window.prompt('Reason for setting ' + name + ' to ' + mode + ':', '');
    if (!reason || !reason.trim()) return;
    var body = { mode: mode, reason: reason.trim() };
    if (mode === 'canary') {
      var percent = Number(window.prompt('Share of users answered by the gateway (0–100):', '10'));
      if (!(percent >= 0 && percent <= 100)) return;
      body.canaryPercent = percent;
    }
    fetch('/_gateway/routes/' + encodeURIComponent(name), {
      method: 'PUT', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-gateway-board': '1' },
      body: JSON.stringify(Object.assign(body, { by: 'migration board' }))
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) notice('Not changed: ' + ((answer.problems || []).join('; ') || response.status), true);
        else notice(name + ' is now ' + answer.mode + ' (' + reason.trim() + ')', false);
        refresh();
      });
    }).catch(function (error) { notice('Not changed: ' + error.message, true); });
  }

  function notice(text, bad) {
    var box = document.getElementById('notice');
    box.textContent = text; box.className = bad ? 'notice bad' : 'notice';
  }

  function latencyCell(gateway, legacy) {
    return el('td', { className: 'num' }, [
      el('div', { text: 'gw ' + ms(gateway && gateway.p50) + ' / ' + ms(gateway && gateway.p95) }),
      el('div', { text: 'legacy ' + ms(legacy && legacy.p50) + ' / ' + ms(legacy && legacy.p95) })
    ]);
  }

  function routeRow(route) {
    var shadow = route.shadow;
    var match = shadow && shadow.compared ? pct(shadow.matchRate) + ' of ' + shadow.compared : (shadow ? 'no comparisons' : '–');
    var latency = shadow && shadow.latencyMs.gateway.count ? shadow.latencyMs : route.latencyMs;
    var row = el('tr', { 'data-route': route.name }, [
      el('td', {}, [el('strong', { text: route.name }), el('div', { className: 'rule', text: route.methods.join(',') + ' ' + route.rule })]),
      el('td', {}, [el('span', { className: 'mode mode-' + route.mode, text: route.mode + (route.mode === 'canary' ? ' ' + route.canaryPercent + '%' : '') }), el('div', { className: 'source', text: route.source })]),
      el('td', {}, [modeControls(route)]),
      el('td', {}, [shareBar(route)]),
      el('td', {}, [sparkline(route.series, 'requests per minute')]),
      el('td', {}, [el('div', { className: 'match-rate num', text: match }), shadow && shadow.series.length ? sparkline(shadow.series.map(function (point) { return point.compared ? (point.compared - point.mismatch) / point.compared : 0; }), 'match rate per minute') : null]),
      latencyCell(latency && latency.gateway, latency && latency.legacy),
      el('td', { className: 'num', text: 'gw ' + route.errors.gateway + ' · legacy ' + route.errors.legacy + ' · fallbacks ' + route.fallbacks })
    ]);
    return row;
  }

  function detailRow(route) {
    var shadow = route.shadow;
    if (!shadow || (!shadow.topPaths.length && !shadow.sample)) return null;
    var cell = el('td', { colspan: '8', className: 'detail' });
    var list = el('ul', { className: 'paths' });
    shadow.topPaths.forEach(function (path) {
      var example = path.examples[0];
      list.appendChild(el('li', {}, [el('code', { text: path.path }), ' × ' + path.count + (example ? ' — legacy ' + example.legacy + ' · gateway ' + example.gateway : '')]));
    });
    cell.appendChild(el('div', {}, [el('h4', { text: 'Top differing fields' }), list]));
    if (shadow.noise.length) cell.appendChild(el('p', { className: 'noise', text: 'Learned noise: ' + shadow.noise.map(function (n) { return n.path + ' ×' + n.count; }).join(', ') }));
    if (shadow.sample) {
      var sample = shadow.sample;
      cell.appendChild(el('h4', { text: 'One sample: ' + sample.target + ' (' + sample.requestId + ')' }));
      cell.appendChild(el('div', { className: 'diff' }, [
        el('div', {}, [el('h5', { text: 'legacy ' + sample.legacy.status }), el('pre', { text: pretty(sample.legacy.body) })]),
        el('div', {}, [el('h5', { text: 'gateway ' + sample.gateway.status }), el('pre', { text: pretty(sample.gateway.body) })])
      ]));
    }
    return el('tr', { className: 'detail-row', 'data-detail': route.name }, [cell]);
  }

  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; }
  }

  function backlogRow(entry, index) {
    return el('tr', { 'data-endpoint': entry.endpoint }, [
      el('td', { className: 'num', text: String(index + 1) }),
      el('td', {}, [el('code', { text: entry.methods.join(',') + ' ' + entry.rule }), el('div', { className: 'rule', text: entry.endpoint + (entry.declaredAs.length ? ' (declared: ' + entry.declaredAs.join(', ') + ')' : '') })]),
      el('td', { className: 'num', text: String(entry.requests) }),
      el('td', { className: 'num', text: ms(entry.meanMs) + ' / ' + ms(entry.p95Ms) }),
      el('td', { className: 'num', text: (Math.round(entry.legacyMsTotal / 100) / 10) + ' s' }),
      el('td', {}, [sparkline(entry.series, 'legacy requests per minute')])
    ]);
  }

  function render(data) {
    document.getElementById('generated').textContent = 'Last ' + data.windowMinutes + ' minutes, as of ' + new Date(data.generatedAt).toLocaleTimeString();
    var modes = {};
    data.routes.forEach(function (route) { modes[route.mode] = (modes[route.mode] || 0) + 1; });
    document.getElementById('summary').textContent = data.routes.length + ' routes: ' + MODES.map(function (mode) { return (modes[mode] || 0) + ' ' + mode; }).join(' · ');
    var routes = document.getElementById('routes');
    routes.replaceChildren();
    data.routes.forEach(function (route) {
      routes.appendChild(routeRow(route));
      var detail = detailRow(route);
      if (detail) routes.appendChild(detail);
    });
    var backlog = document.getElementById('backlog');
    backlog.replaceChildren();
    data.backlog.forEach(function (entry, index) { backlog.appendChild(backlogRow(entry, index)); });
    var changes = document.getElementById('changes');
    changes.replaceChildren();
    if (!data.changes.length) changes.appendChild(el('li', { text: 'No live changes yet.' }));
    data.changes.forEach(function (change) {
      var to = change.to && change.to.mode ? change.to.mode : 'cleared';
      changes.appendChild(el('li', { className: /rollback/.test(change.reason) ? 'rollback' : '', text: new Date(change.at).toLocaleString() + ' · ' + change.route + ' → ' + to + ' · ' + change.reason + ' (' + change.by + ')' }));
    });
    document.body.setAttribute('data-loaded', 'true');
  }

  function refresh() {
    return fetch('/_gateway/board/data', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) { if (!response.ok) throw new Error('board data: ' + response.status); return response.json(); })
      .then(render)
      .catch(function (error) { notice(error.message, true); });
  }

  refresh();
  setInterval(refresh, REFRESH_MS);
})();
`
