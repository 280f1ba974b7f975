/* Estoque — plain JavaScript, no build step. Every API call uses a relative URL. */
(function () {
  'use strict';

  var numero = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 3 });
  var TIPOS = { entrada: 'Entrada', saida: 'Saída', ajuste: 'Ajuste' };

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'className') node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  function api(url, options) {
    options = options || {};
    options.credentials = 'same-origin';
    options.headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
    return fetch(url, options).then(function (res) {
      if (res.status === 401) {
        window.location.href = '/login?next=' + encodeURIComponent(window.location.pathname);
        throw new Error('Não autenticado');
      }
      return res.json().catch(function () { return {}; }).then(function (body) {
        if (!res.ok) {
          var err = new Error(body.erro || ('Erro ' + res.status));
          err.body = body;
          throw err;
        }
        return body;
      });
    });
  }

  function mostrar(node, texto) {
    node.textContent = texto || '';
    node.hidden = !texto;
  }

  function dataHora(http) {
    if (!http) return '';
    var d = new Date(http);
    return isNaN(d) ? http : d.toLocaleString('pt-BR', { timeZone: 'UTC' });
  }

  function fmt(n) { return n === null || n === undefined ? '' : numero.format(n); }

  function linhaMov(m, completa) {
    var cols = [
      dataHora(m.data),
      (m.item_codigo || '?') + ' — ' + (m.item_nome || 'item removido'),
      TIPOS[m.tipo] || m.tipo,
      fmt(m.quantidade),
    ];
    if (completa) cols.push(fmt(m.estoque_anterior), fmt(m.estoque_posterior));
    cols.push(m.usuario || '');
    if (completa) cols.push(m.observacao || '');
    var tr = el('tr', { 'data-mov-id': m._id });
    cols.forEach(function (c, i) {
      var numerica = i === 3 || (completa && (i === 4 || i === 5));
      tr.appendChild(el('td', { text: c, className: numerica ? 'num' : (i === 2 ? 'tipo ' + m.tipo : '') }));
    });
    return tr;
  }

  /* ---------------- Dashboard ---------------- */

  function grafico(container, dias) {
    container.textContent = '';
    var max = 0;
    dias.forEach(function (d) { max = Math.max(max, d.entradas, d.saidas); });
    dias.forEach(function (d) {
      var h = function (v) { return max ? Math.round((v / max) * 100) : 0; };
      var barras = el('div', { className: 'barras' }, [
        el('div', { className: 'barra entrada', style: 'height:' + h(d.entradas) + '%', title: 'Entradas: ' + fmt(d.entradas) }),
        el('div', { className: 'barra saida', style: 'height:' + h(d.saidas) + '%', title: 'Saídas: ' + fmt(d.saidas) }),
      ]);
      var rotulo = el('span', { className: 'dia', text: d.data.slice(8, 10) + '/' + d.data.slice(5, 7) });
      container.appendChild(el('div', { className: 'coluna', 'data-dia': d.data, 'data-entradas': d.entradas, 'data-saidas': d.saidas }, [barras, rotulo]));
    });
  }

  function dashboard() {
    api('/api/dashboard').then(function (d) {
      $('total-itens').textContent = fmt(d.total_itens);
      $('quantidade-total').textContent = fmt(d.quantidade_total);
      $('itens-abaixo-minimo').textContent = fmt(d.itens_abaixo_minimo);
      $('movimentacoes-hoje').textContent = fmt(d.movimentacoes_hoje);
      var lista = $('lista-abaixo-minimo');
      lista.textContent = '';
      if (!d.lista_abaixo_minimo.length) lista.appendChild(el('li', { text: 'Nenhum item abaixo do mínimo.' }));
      d.lista_abaixo_minimo.forEach(function (i) {
        lista.appendChild(el('li', { 'data-item-id': i._id, text: i.codigo + ' — ' + i.nome + ': ' + fmt(i.quantidade) + ' ' + i.unidade + ' (mín. ' + fmt(i.estoque_minimo) + ')' }));
      });
      var corpo = $('ultimas-movimentacoes');
      corpo.textContent = '';
      d.ultimas_movimentacoes.forEach(function (m) { corpo.appendChild(linhaMov(m, false)); });
      grafico($('grafico-dias'), d.por_dia);
    }).catch(function (e) { mostrar($('dashboard-erro'), e.message); });
  }

  /* ---------------- Estoque ---------------- */

  function estoque() {
    var arvore = $('arvore');
    var seletor = $('mov-item');

    function carregar() {
      var inativos = $('incluir-inativos').checked ? 'true' : 'false';
      return api('/api/estoque/hierarquia?incluir_inativos=' + inativos).then(function (h) {
        $('arvore-resumo').textContent = h.total_itens + ' itens · quantidade total ' + fmt(h.quantidade_total) + ' · ' + h.abaixo_minimo + ' abaixo do mínimo';
        arvore.textContent = '';
        var selecionado = seletor.value;
        seletor.textContent = '';
        h.categorias.forEach(function (c) {
          var subs = el('div', { className: 'subcategorias' });
          c.subcategorias.forEach(function (s) {
            var tabela = el('table', {}, [el('thead', {}, [el('tr', {}, ['Código', 'Nome', 'Qtd.', 'Mínimo'].map(function (t, i) {
              return el('th', { text: t, className: i > 1 ? 'num' : '' });
            }))])]);
            var corpo = el('tbody');
            var grupo = el('optgroup', { label: c.nome + ' / ' + s.nome });
            s.itens.forEach(function (i) {
              var tr = el('tr', { 'data-item-id': i._id, 'data-codigo': i.codigo, className: (i.abaixo_minimo ? 'baixo' : '') + (i.ativo ? '' : ' inativo') }, [
                el('td', { text: i.codigo }),
                el('td', { text: i.nome }),
                el('td', { className: 'num quantidade', 'data-testid': 'quantidade', text: fmt(i.quantidade) + ' ' + i.unidade }),
                el('td', { className: 'num', text: fmt(i.estoque_minimo) }),
              ]);
              corpo.appendChild(tr);
              if (i.ativo) grupo.appendChild(el('option', { value: i._id, text: i.codigo + ' — ' + i.nome }));
            });
            tabela.appendChild(corpo);
            if (grupo.children.length) seletor.appendChild(grupo);
            subs.appendChild(el('details', { open: '', className: 'subcategoria', 'data-subcategoria': s.nome }, [
              el('summary', { text: s.nome + ' — ' + s.total_itens + ' itens, total ' + fmt(s.quantidade_total) + (s.abaixo_minimo ? ', ' + s.abaixo_minimo + ' abaixo do mínimo' : '') }),
              tabela,
            ]));
          });
          arvore.appendChild(el('details', { open: '', className: 'categoria', 'data-categoria': c.nome }, [
            el('summary', { text: c.nome + ' — ' + c.total_itens + ' itens, total ' + fmt(c.quantidade_total) + (c.abaixo_minimo ? ', ' + c.abaixo_minimo + ' abaixo do mínimo' : '') }),
            subs,
          ]));
        });
        if (!h.categorias.length) arvore.appendChild(el('p', { text: 'Nenhum item cadastrado.' }));
        if (selecionado) seletor.value = selecionado;
      });
    }

    $('incluir-inativos').addEventListener('change', carregar);

    $('mov-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      mostrar($('mov-erro'), '');
      mostrar($('mov-ok'), '');
      var corpo = {
        item_id: seletor.value,
        tipo: $('mov-tipo').value,
        quantidade: $('mov-quantidade').value,
        observacao: $('mov-observacao').value,
      };
      api('/api/movimentacoes', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(corpo),
      }).then(function (r) {
        mostrar($('mov-ok'), 'Movimentação registrada: ' + r.item.codigo + ' agora tem ' + fmt(r.item.quantidade) + ' ' + r.item.unidade + '.');
        $('mov-quantidade').value = '';
        $('mov-observacao').value = '';
        return carregar();
      }).catch(function (e) {
        var msg = e.message;
        if (e.body && e.body.disponivel !== undefined) msg += ' (disponível: ' + fmt(e.body.disponivel) + ')';
        mostrar($('mov-erro'), msg);
      });
    });

    $('import-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      mostrar($('import-erro'), '');
      mostrar($('import-resultado'), '');
      api('/api/importar', { method: 'POST', body: new FormData(ev.target) }).then(function (r) {
        var texto = r.criados + ' criados, ' + r.atualizados + ' atualizados, ' + r.erros.length + ' erros · ' + r.bytes + ' bytes · sha256 ' + r.sha256;
        r.erros.forEach(function (e) { texto += '\nlinha ' + e.linha + ': ' + e.erro; });
        mostrar($('import-resultado'), texto);
        ev.target.reset();
        return carregar();
      }).catch(function (e) { mostrar($('import-erro'), e.message); });
    });

    carregar().catch(function (e) { arvore.textContent = e.message; });
  }

  /* ---------------- Movimentações ---------------- */

  function movimentacoes() {
    var pagina = 1;
    var paginas = 0;
    var form = $('filtros');

    function carregar() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (v, k) { if (v) params.set(k, v); });
      params.set('pagina', String(pagina));
      mostrar($('mov-lista-erro'), '');
      return api('/api/movimentacoes?' + params.toString()).then(function (r) {
        var corpo = $('mov-tabela');
        corpo.textContent = '';
        r.movimentacoes.forEach(function (m) { corpo.appendChild(linhaMov(m, true)); });
        if (!r.movimentacoes.length) corpo.appendChild(el('tr', {}, [el('td', { colspan: '8', text: 'Nenhuma movimentação encontrada.' })]));
        paginas = r.paginas;
        $('pagina-info').textContent = 'Página ' + r.pagina + ' de ' + Math.max(r.paginas, 1) + ' · ' + r.total + ' movimentações';
        $('pagina-anterior').disabled = r.pagina <= 1;
        $('pagina-proxima').disabled = r.pagina >= r.paginas;
      }).catch(function (e) { mostrar($('mov-lista-erro'), e.message); });
    }

    api('/api/estoque/itens').then(function (r) {
      r.itens.forEach(function (i) {
        $('filtro-item').appendChild(el('option', { value: i._id, text: i.codigo + ' — ' + i.nome }));
      });
    }).catch(function () {});

    form.addEventListener('submit', function (ev) { ev.preventDefault(); pagina = 1; carregar(); });
    $('pagina-anterior').addEventListener('click', function () { if (pagina > 1) { pagina--; carregar(); } });
    $('pagina-proxima').addEventListener('click', function () { if (pagina < paginas) { pagina++; carregar(); } });
    carregar();
  }

  /* ---------------- Chat ---------------- */

  function chat() {
    var log = $('chat-log');
    var fonte = null;

    $('chat-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var campo = $('chat-mensagem');
      var mensagem = campo.value.trim();
      if (!mensagem) return;
      campo.value = '';
      if (fonte) fonte.close();
      log.appendChild(el('p', { className: 'msg usuario', 'data-testid': 'chat-pergunta', text: mensagem }));
      var resposta = el('p', { className: 'msg assistente', 'data-testid': 'chat-resposta' });
      log.appendChild(resposta);
      $('chat-enviar').disabled = true;
      fonte = new EventSource('/api/chat?mensagem=' + encodeURIComponent(mensagem));
      fonte.onmessage = function (e) {
        resposta.appendChild(el('span', { className: 'parte', 'data-testid': 'chat-parte', text: e.data }));
        log.scrollTop = log.scrollHeight;
      };
      fonte.addEventListener('fim', function () {
        fonte.close();
        resposta.setAttribute('data-completa', 'true');
        $('chat-enviar').disabled = false;
      });
      fonte.onerror = function () {
        fonte.close();
        if (!resposta.hasAttribute('data-completa')) resposta.appendChild(el('span', { className: 'erro', text: ' [conexão interrompida]' }));
        $('chat-enviar').disabled = false;
      };
    });
  }

  var paginas = { dashboard: dashboard, estoque: estoque, movimentacoes: movimentacoes, chat: chat };
  var inicio = paginas[document.body.dataset.page];
  if (inicio) inicio();
})();
