import csv
import hashlib
import io
import math

from flask import Blueprint, jsonify, request
from flask_login import login_required
from pymongo import InsertOne, UpdateOne

from .db import get_db
from .util import UNIDADES, agora, erro

bp = Blueprint("api_importacao", __name__, url_prefix="/api")

COLUNAS = ["codigo", "nome", "categoria", "subcategoria", "unidade", "quantidade", "estoque_minimo"]
LOTE = 500
MAX_ERROS = 100
BLOCO = 64 * 1024


class LinhaInvalida(ValueError):
    pass


def _numero(valor, campo):
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
        "codigo": codigo,
        "nome": nome,
        "categoria": (linha.get("categoria") or "").strip() or None,
        "subcategoria": (linha.get("subcategoria") or "").strip() or None,
        "unidade": unidade,
        "quantidade": _numero(linha.get("quantidade"), "quantidade"),
        "estoque_minimo": _numero(linha.get("estoque_minimo"), "estoque_minimo"),
    }


@bp.route("/importar", methods=["POST"])
@login_required
def importar():
    arquivo = request.files.get("arquivo")
    if arquivo is None or not arquivo.filename:
        return erro("Arquivo não enviado")

    # The upload may be tens of MB: Werkzeug spooled it to a temporary file, read it in blocks.
    sha256 = hashlib.sha256()
    tamanho = 0
    while True:
        bloco = arquivo.stream.read(BLOCO)
        if not bloco:
            break
        sha256.update(bloco)
        tamanho += len(bloco)
    arquivo.stream.seek(0)

    db = get_db()
    criados = 0
    atualizados = 0
    erros = []
    existentes = set()
    lote = []

    def registrar_erro(numero, mensagem):
        if len(erros) < MAX_ERROS:
            erros.append({"linha": numero, "erro": mensagem})

    def gravar(lote):
        nonlocal criados, atualizados
        codigos = [i["codigo"] for i in lote if i["codigo"] not in existentes]
        if codigos:
            for doc in db.itens.find({"codigo": {"$in": codigos}}, {"codigo": 1}):
                existentes.add(doc["codigo"])
        momento = agora()
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
            db.itens.bulk_write(operacoes)

    texto = io.TextIOWrapper(arquivo.stream, encoding="utf-8-sig", newline="")
    leitor = csv.DictReader(texto)
    try:
        cabecalho = leitor.fieldnames or []
        faltando = [c for c in ("codigo", "nome") if c not in cabecalho]
        if faltando:
            registrar_erro(1, "Cabeçalho inválido: esperado " + ",".join(COLUNAS))
        else:
            for linha in leitor:
                try:
                    lote.append(_item_da_linha(linha))
                except LinhaInvalida as e:
                    registrar_erro(leitor.line_num, str(e))
                if len(lote) >= LOTE:
                    gravar(lote)
                    lote = []
    except UnicodeDecodeError:
        registrar_erro(leitor.line_num + 1, "Arquivo não está em UTF-8")
    except csv.Error as e:
        registrar_erro(leitor.line_num, f"CSV inválido: {e}")
    gravar(lote)

    return jsonify(criados=criados, atualizados=atualizados, erros=erros, bytes=tamanho, sha256=sha256.hexdigest())
