"""The seed's plan, for the benchmark only: FastAPI + PyMongo's async client (AsyncMongoClient, Motor's
successor) serving the migrated routes the benchmark drives (the reads, the movement, the item update, create and delete, and the CSV import) with the
legacy JSON contract (docs/legacy-api.md). The writes are the legacy views ported as they are: a read, then the
writes (no compare-and-set: the legacy's lost update under concurrent movements is kept, as a straight port keeps it).

Auth: the same Flask session cookie is verified (itsdangerous, Flask's own serializer and settings) and the
user is looked up like Flask-Login does ({_id, ativo: true}), so every request does the same DB work as the
legacy app and the gateway. Shortcuts (documented in docs/benchmarks.md): no session refresh / "basic"
session-protection re-issue of the cookie, and Python's int() quirks for pagina/por_pagina reduced to int().
Run: uvicorn app:app (MONGODB_URI, MONGODB_DB, SECRET_KEY).
"""
import csv
import hashlib
import io
import json
import math
import os
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from bson import ObjectId
from fastapi import FastAPI, Request
from fastapi.responses import Response
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pymongo import AsyncMongoClient, InsertOne, UpdateOne
from pymongo.errors import DuplicateKeyError

client = AsyncMongoClient(os.environ["MONGODB_URI"])
db = client[os.environ.get("MONGODB_DB", "estoque")]
signer = URLSafeTimedSerializer(
    os.environ["SECRET_KEY"],
    salt="cookie-session",
    serializer=TaggedJSONSerializer(),
    signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
)
MAX_AGE = 31 * 24 * 3600
TIPOS = ("entrada", "saida", "ajuste")
UNIDADES = ("un", "kg", "m", "l", "cx")
SEM_CATEGORIA, SEM_SUBCATEGORIA = "Sem categoria", "Sem subcategoria"
app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


def _default(value):
    if isinstance(value, datetime):  # Flask: RFC 822 date in GMT, to the second
        return format_datetime(value.replace(tzinfo=timezone.utc), usegmt=True)
    if isinstance(value, ObjectId):
        return str(value)
    raise TypeError(type(value))


def jsonify(data, status=200):
    body = json.dumps(data, default=_default, separators=(",", ":"), sort_keys=True) + "\n"
    return Response(body, status_code=status, media_type="application/json")


def erro(mensagem, status=400):
    return jsonify({"erro": mensagem}, status)


async def current_user(request: Request):
    cookie = request.cookies.get("session")
    if not cookie:
        return None
    try:
        data = signer.loads(cookie, max_age=MAX_AGE)
    except BadSignature:
        return None
    user_id = data.get("_user_id")
    if not isinstance(user_id, str) or not ObjectId.is_valid(user_id):
        return None
    return await db.usuarios.find_one({"_id": ObjectId(user_id), "ativo": True})


NAO_AUTENTICADO = {"erro": "Não autenticado"}


async def movimentacoes_json(movs):
    ids = list({m["item_id"] for m in movs})
    itens = {}
    if ids:
        async for item in db.itens.find({"_id": {"$in": ids}}, {"codigo": 1, "nome": 1}):
            itens[item["_id"]] = item
    out = []
    for m in movs:
        item = itens.get(m["item_id"])
        out.append({
            "_id": str(m["_id"]), "item_id": str(m["item_id"]),
            "item_codigo": item.get("codigo") if item else None, "item_nome": item.get("nome") if item else None,
            "tipo": m["tipo"], "quantidade": m["quantidade"], "data": m["data"], "usuario": m.get("usuario"),
            "observacao": m.get("observacao", ""), "estoque_anterior": m.get("estoque_anterior"),
            "estoque_posterior": m.get("estoque_posterior"),
        })
    return out


@app.get("/api/dashboard")
async def dashboard(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    total_itens, quantidade_total, abaixo = 0, 0, []
    async for item in db.itens.find({"ativo": True}).sort("codigo", 1):
        total_itens += 1
        quantidade_total += item["quantidade"]
        if item["quantidade"] < item["estoque_minimo"]:
            abaixo.append({"_id": str(item["_id"]), "codigo": item["codigo"], "nome": item["nome"],
                           "unidade": item.get("unidade"), "quantidade": item["quantidade"],
                           "estoque_minimo": item["estoque_minimo"]})
    hoje = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    amanha = hoje + timedelta(days=1)
    hoje_count = await db.movimentacoes.count_documents({"data": {"$gte": hoje, "$lt": amanha}})
    ultimas = await db.movimentacoes.find().sort([("data", -1), ("_id", -1)]).limit(10).to_list()
    dias = [hoje - timedelta(days=n) for n in range(6, -1, -1)]
    por_dia = {d.strftime("%Y-%m-%d"): {"entradas": 0, "saidas": 0} for d in dias}
    semana = db.movimentacoes.find(
        {"data": {"$gte": dias[0], "$lt": amanha}, "tipo": {"$in": ["entrada", "saida"]}}
    ).sort([("data", 1), ("_id", 1)])
    async for mov in semana:
        dia = por_dia[mov["data"].strftime("%Y-%m-%d")]
        dia["entradas" if mov["tipo"] == "entrada" else "saidas"] += mov["quantidade"]
    return jsonify({
        "total_itens": total_itens, "quantidade_total": quantidade_total,
        "itens_abaixo_minimo": len(abaixo), "lista_abaixo_minimo": abaixo[:10],
        "movimentacoes_hoje": hoje_count, "ultimas_movimentacoes": await movimentacoes_json(ultimas),
        "por_dia": [{"data": d, **v} for d, v in por_dia.items()],
    })


def _soma(nos, campo):
    total = 0
    for no in nos:
        total += no[campo]
    return total


@app.get("/api/estoque/hierarquia")
async def hierarquia(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    incluir = request.query_params.get("incluir_inativos", "false").lower()
    if incluir in ("true", "1", "sim"):
        filtro = {}
    elif incluir in ("false", "0", "nao"):
        filtro = {"ativo": True}
    else:
        return erro("Parâmetro inválido: incluir_inativos")
    somente = request.query_params.get("categoria")
    grupos = {}
    async for item in db.itens.find(filtro).sort([("categoria", 1), ("subcategoria", 1), ("codigo", 1)]):
        cat = item.get("categoria") or SEM_CATEGORIA
        sub = item.get("subcategoria") or SEM_SUBCATEGORIA
        if somente and cat != somente:
            continue
        grupos.setdefault(cat, {}).setdefault(sub, []).append(item)
    categorias = []
    for nome_cat in sorted(grupos):
        subcategorias = []
        for nome_sub in sorted(grupos[nome_cat]):
            itens, total, abaixo = [], 0, 0
            for item in sorted(grupos[nome_cat][nome_sub], key=lambda i: i["codigo"]):
                baixo = item["quantidade"] < item["estoque_minimo"]
                itens.append({"_id": str(item["_id"]), "codigo": item["codigo"], "nome": item["nome"],
                              "unidade": item.get("unidade"), "quantidade": item["quantidade"],
                              "estoque_minimo": item["estoque_minimo"], "abaixo_minimo": baixo,
                              "ativo": item.get("ativo")})
                total += item["quantidade"]
                abaixo += baixo
            subcategorias.append({"nome": nome_sub, "total_itens": len(itens), "quantidade_total": total,
                                  "abaixo_minimo": abaixo, "itens": itens})
        categorias.append({"nome": nome_cat, "total_itens": _soma(subcategorias, "total_itens"),
                           "quantidade_total": _soma(subcategorias, "quantidade_total"),
                           "abaixo_minimo": _soma(subcategorias, "abaixo_minimo"), "subcategorias": subcategorias})
    return jsonify({"categorias": categorias, "total_itens": _soma(categorias, "total_itens"),
                    "quantidade_total": _soma(categorias, "quantidade_total"),
                    "abaixo_minimo": _soma(categorias, "abaixo_minimo")})


def _int_arg(request, name, default):
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        return default


@app.get("/api/movimentacoes")
async def movimentacoes(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    args = request.query_params
    filtro = {}
    item = args.get("item")
    if item:
        if not ObjectId.is_valid(item):
            return erro("Item inválido")
        filtro["item_id"] = ObjectId(item)
    tipo = args.get("tipo")
    if tipo:
        if tipo not in TIPOS:
            return erro("Tipo inválido")
        filtro["tipo"] = tipo
    periodo = {}
    for nome, op, delta in (("inicio", "$gte", 0), ("fim", "$lt", 1)):
        valor = args.get(nome)
        if valor:
            try:
                periodo[op] = datetime.strptime(valor, "%Y-%m-%d") + timedelta(days=delta)
            except ValueError:
                return erro(f"Data inválida: {nome}")
    if periodo:
        filtro["data"] = periodo
    pagina = max(1, _int_arg(request, "pagina", 1))
    por_pagina = max(1, min(_int_arg(request, "por_pagina", 20), 100))
    total = await db.movimentacoes.count_documents(filtro)
    movs = await (db.movimentacoes.find(filtro).sort([("data", -1), ("_id", -1)])
                  .skip((pagina - 1) * por_pagina).limit(por_pagina).to_list())
    return jsonify({"movimentacoes": await movimentacoes_json(movs), "pagina": pagina, "por_pagina": por_pagina,
                    "total": total, "paginas": math.ceil(total / por_pagina)})


def item_json(item):
    return {"_id": str(item["_id"]), "codigo": item["codigo"], "nome": item["nome"],
            "categoria": item.get("categoria"), "subcategoria": item.get("subcategoria"),
            "unidade": item.get("unidade"), "quantidade": item["quantidade"],
            "estoque_minimo": item["estoque_minimo"], "ativo": item.get("ativo"),
            "criado_em": item.get("criado_em"), "atualizado_em": item.get("atualizado_em")}


@app.get("/api/estoque/itens")
async def listar_itens(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    filtro = {"ativo": True}
    q = request.query_params.get("q", "").strip()
    if q:
        padrao = {"$regex": re.escape(q), "$options": "i"}
        filtro["$or"] = [{"codigo": padrao}, {"nome": padrao}]
    categoria = request.query_params.get("categoria")
    if categoria:
        filtro["categoria"] = categoria
    return jsonify({"itens": [item_json(i) async for i in db.itens.find(filtro).sort("codigo", 1)]})


async def _buscar_item(item_id):
    """The legacy's `_buscar_item`: None for an id that is not an ObjectId."""
    return await db.itens.find_one({"_id": ObjectId(item_id)}) if ObjectId.is_valid(item_id) else None


@app.get("/api/estoque/itens/{item_id}")
async def obter_item(request: Request, item_id: str):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    item = await _buscar_item(item_id)
    if item is None:
        return erro("Item não encontrado", 404)
    return jsonify(item_json(item))


async def json_body(request: Request):
    try:
        dados = await request.json()
    except ValueError:
        return None
    return dados if isinstance(dados, dict) else None


@app.post("/api/movimentacoes")
async def registrar(request: Request):
    user = await current_user(request)
    if not user:
        return jsonify(NAO_AUTENTICADO, 401)
    dados = await json_body(request)
    if dados is None:
        return erro("Dados inválidos")
    item_id = dados.get("item_id")
    if not isinstance(item_id, str) or not ObjectId.is_valid(item_id):
        return erro("Item inválido")
    tipo = dados.get("tipo")
    if tipo not in TIPOS:
        return erro("Tipo inválido")
    try:
        quantidade = float(dados.get("quantidade"))
    except (TypeError, ValueError, OverflowError):
        return erro("Quantidade inválida")
    if not math.isfinite(quantidade):
        return erro("Quantidade inválida")
    if quantidade < 0 or (quantidade == 0 and tipo != "ajuste"):
        return erro("Quantidade deve ser maior que zero")
    observacao = dados.get("observacao")
    if observacao is None:
        observacao = ""
    if not isinstance(observacao, str):
        return erro("Observação inválida")
    observacao = observacao.strip()
    if len(observacao) > 500:
        return erro("Observação muito longa")
    item = await db.itens.find_one({"_id": ObjectId(item_id)})
    if item is None:
        return erro("Item não encontrado", 404)
    if not item.get("ativo"):
        return erro("Item inativo")
    anterior = item["quantidade"]
    if tipo == "entrada":
        posterior = anterior + quantidade
    elif tipo == "saida":
        if quantidade > anterior:
            return jsonify({"erro": "Estoque insuficiente", "disponivel": anterior}, 400)
        posterior = anterior - quantidade
    else:
        posterior = quantidade
    momento = datetime.now(timezone.utc)
    await db.itens.update_one({"_id": item["_id"]}, {"$set": {"quantidade": float(posterior), "atualizado_em": momento}})
    item["quantidade"] = float(posterior)
    item["atualizado_em"] = momento
    mov = {"item_id": item["_id"], "tipo": tipo, "quantidade": quantidade, "data": momento, "usuario": user["email"],
           "observacao": observacao, "estoque_anterior": anterior, "estoque_posterior": float(posterior)}
    await db.movimentacoes.insert_one(mov)
    movimentacao = {"_id": str(mov["_id"]), "item_id": str(item["_id"]), "item_codigo": item.get("codigo"),
                    "item_nome": item.get("nome"), "tipo": tipo, "quantidade": quantidade, "data": momento,
                    "usuario": user["email"], "observacao": observacao, "estoque_anterior": anterior,
                    "estoque_posterior": float(posterior)}
    return jsonify({"movimentacao": movimentacao, "item": item_json(item)}, 201)


def _texto(valor):
    if valor is None:
        return None
    if not isinstance(valor, str):
        raise ValueError(valor)
    return valor.strip() or None


def _numero(valor, padrao=0.0):
    if valor is None or valor == "":
        return padrao
    numero = float(valor)
    if not math.isfinite(numero) or numero < 0:
        raise ValueError(valor)
    return numero


@app.put("/api/estoque/itens/{item_id}")
async def atualizar_item(request: Request, item_id: str):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    dados = await json_body(request)
    if dados is None:
        return erro("Dados inválidos")
    item = await _buscar_item(item_id)
    if item is None:
        return erro("Item não encontrado", 404)
    alteracoes = {}
    if "nome" in dados:
        nome = dados["nome"]
        if not isinstance(nome, str) or not nome.strip():
            return erro("Nome inválido")
        alteracoes["nome"] = nome.strip()
    for campo in ("categoria", "subcategoria"):
        if campo in dados:
            try:
                alteracoes[campo] = _texto(dados[campo])
            except ValueError:
                return erro("Categoria inválida")
    if "unidade" in dados:
        if dados["unidade"] not in UNIDADES:
            return erro("Unidade inválida")
        alteracoes["unidade"] = dados["unidade"]
    if "estoque_minimo" in dados:
        try:
            alteracoes["estoque_minimo"] = _numero(dados["estoque_minimo"])
        except (TypeError, ValueError, OverflowError):
            return erro("Quantidade inválida")
    alteracoes["atualizado_em"] = datetime.now(timezone.utc)
    await db.itens.update_one({"_id": item["_id"]}, {"$set": alteracoes})
    item.update(alteracoes)
    return jsonify(item_json(item))


@app.post("/api/estoque/itens")
async def criar_item(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    dados = await json_body(request)
    if dados is None:
        return erro("Dados inválidos")
    codigo = dados.get("codigo")
    nome = dados.get("nome")
    if not isinstance(codigo, str) or not codigo.strip() or not isinstance(nome, str) or not nome.strip():
        return erro("Código e nome são obrigatórios")
    unidade = dados.get("unidade") or "un"
    if unidade not in UNIDADES:
        return erro("Unidade inválida")
    try:
        categoria = _texto(dados.get("categoria"))
        subcategoria = _texto(dados.get("subcategoria"))
    except ValueError:
        return erro("Categoria inválida")
    try:
        quantidade = _numero(dados.get("quantidade"))
        estoque_minimo = _numero(dados.get("estoque_minimo"))
    except (TypeError, ValueError, OverflowError):
        return erro("Quantidade inválida")
    codigo = codigo.strip()
    if await db.itens.find_one({"codigo": codigo}, {"_id": 1}):
        return erro("Código já existe", 409)
    momento = datetime.now(timezone.utc)
    item = {"codigo": codigo, "nome": nome.strip(), "categoria": categoria, "subcategoria": subcategoria,
            "unidade": unidade, "quantidade": quantidade, "estoque_minimo": estoque_minimo, "ativo": True,
            "criado_em": momento, "atualizado_em": momento}
    try:
        await db.itens.insert_one(item)
    except DuplicateKeyError:
        return erro("Código já existe", 409)
    return jsonify(item_json(item), 201)


@app.delete("/api/estoque/itens/{item_id}")
async def excluir_item(request: Request, item_id: str):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    item = await _buscar_item(item_id)
    if item is None:
        return erro("Item não encontrado", 404)
    await db.itens.update_one({"_id": item["_id"]}, {"$set": {"ativo": False, "atualizado_em": datetime.now(timezone.utc)}})
    return jsonify({"ok": True})


COLUNAS = ["codigo", "nome", "categoria", "subcategoria", "unidade", "quantidade", "estoque_minimo"]
LOTE = 500
MAX_ERROS = 100
BLOCO = 64 * 1024


class LinhaInvalida(ValueError):
    pass


def _numero_csv(valor, campo):
    valor = (valor or "").strip().replace(",", ".")
    if not valor:
        return 0.0
    try:
        numero = float(valor)
    except ValueError:
        raise LinhaInvalida(f"{campo} inválido: {valor}")
    if not math.isfinite(numero) or numero < 0:
        raise LinhaInvalida(f"{campo} inválido: {valor}")
    return numero


def _item_da_linha(linha):
    codigo = (linha.get("codigo") or "").strip()
    nome = (linha.get("nome") or "").strip()
    if not codigo or not nome:
        raise LinhaInvalida("codigo e nome são obrigatórios")
    unidade = (linha.get("unidade") or "").strip().lower() or "un"
    if unidade not in UNIDADES:
        raise LinhaInvalida(f"unidade inválida: {unidade}")
    return {
        "codigo": codigo, "nome": nome,
        "categoria": (linha.get("categoria") or "").strip() or None,
        "subcategoria": (linha.get("subcategoria") or "").strip() or None,
        "unidade": unidade,
        "quantidade": _numero_csv(linha.get("quantidade"), "quantidade"),
        "estoque_minimo": _numero_csv(linha.get("estoque_minimo"), "estoque_minimo"),
    }


@app.post("/api/importar")
async def importar(request: Request):
    if not await current_user(request):
        return jsonify(NAO_AUTENTICADO, 401)
    form = await request.form()
    arquivo = form.get("arquivo")
    if arquivo is None or isinstance(arquivo, str) or not arquivo.filename:
        return erro("Arquivo não enviado")
    sha256 = hashlib.sha256()
    tamanho = 0
    while True:
        bloco = await arquivo.read(BLOCO)
        if not bloco:
            break
        sha256.update(bloco)
        tamanho += len(bloco)
    await arquivo.seek(0)

    criados = 0
    atualizados = 0
    erros = []
    existentes = set()

    def registrar_erro(numero, mensagem):
        if len(erros) < MAX_ERROS:
            erros.append({"linha": numero, "erro": mensagem})

    async def gravar(lote):
        nonlocal criados, atualizados
        codigos = [i["codigo"] for i in lote if i["codigo"] not in existentes]
        if codigos:
            async for doc in db.itens.find({"codigo": {"$in": codigos}}, {"codigo": 1}):
                existentes.add(doc["codigo"])
        momento = datetime.now(timezone.utc)
        operacoes = []
        for item in lote:
            item["atualizado_em"] = momento
            if item["codigo"] in existentes:
                operacoes.append(UpdateOne({"codigo": item["codigo"]}, {"$set": {**item, "ativo": True}}))
                atualizados += 1
            else:
                operacoes.append(InsertOne({**item, "ativo": True, "criado_em": momento}))
                existentes.add(item["codigo"])
                criados += 1
        if operacoes:
            await db.itens.bulk_write(operacoes)

    # The legacy view's loop, as it is (the CSV module is synchronous; the file is spooled by Starlette).
    leitor = csv.DictReader(io.TextIOWrapper(arquivo.file, encoding="utf-8-sig", newline=""))
    lote = []
    try:
        cabecalho = leitor.fieldnames or []
        if [c for c in ("codigo", "nome") if c not in cabecalho]:
            registrar_erro(1, "Cabeçalho inválido: esperado " + ",".join(COLUNAS))
        else:
            for linha in leitor:
                try:
                    lote.append(_item_da_linha(linha))
                except LinhaInvalida as e:
                    registrar_erro(leitor.line_num, str(e))
                if len(lote) >= LOTE:
                    await gravar(lote)
                    lote = []
    except UnicodeDecodeError:
        registrar_erro(leitor.line_num + 1, "Arquivo não está em UTF-8")
    except csv.Error as e:
        registrar_erro(leitor.line_num, f"CSV inválido: {e}")
    await gravar(lote)
    return jsonify({"criados": criados, "atualizados": atualizados, "erros": erros, "bytes": tamanho, "sha256": sha256.hexdigest()})


@app.get("/healthz")
async def healthz():
    return Response("ok", media_type="text/plain")
