import math
from datetime import datetime, timedelta

from bson import ObjectId
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from .db import get_db
from .util import TIPOS, agora, erro, item_json, movimentacao_json, movimentacoes_json

bp = Blueprint("api_movimentacoes", __name__, url_prefix="/api")


def _data(valor):
    return datetime.strptime(valor, "%Y-%m-%d")


@bp.route("/movimentacoes")
@login_required
def listar():
    filtro = {}

    item = request.args.get("item")
    if item:
        if not ObjectId.is_valid(item):
            return erro("Item inválido")
        filtro["item_id"] = ObjectId(item)

    tipo = request.args.get("tipo")
    if tipo:
        if tipo not in TIPOS:
            return erro("Tipo inválido")
        filtro["tipo"] = tipo

    periodo = {}
    inicio = request.args.get("inicio")
    if inicio:
        try:
            periodo["$gte"] = _data(inicio)
        except ValueError:
            return erro("Data inválida: inicio")
    fim = request.args.get("fim")
    if fim:
        try:
            periodo["$lt"] = _data(fim) + timedelta(days=1)
        except ValueError:
            return erro("Data inválida: fim")
    if periodo:
        filtro["data"] = periodo

    pagina = request.args.get("pagina", 1, type=int)
    if pagina < 1:
        pagina = 1
    por_pagina = request.args.get("por_pagina", 20, type=int)
    por_pagina = max(1, min(por_pagina, 100))

    db = get_db()
    total = db.movimentacoes.count_documents(filtro)
    movs = list(
        db.movimentacoes.find(filtro)
        .sort([("data", -1), ("_id", -1)])
        .skip((pagina - 1) * por_pagina)
        .limit(por_pagina)
    )
    return jsonify(
        movimentacoes=movimentacoes_json(db, movs),
        pagina=pagina,
        por_pagina=por_pagina,
        total=total,
        paginas=math.ceil(total / por_pagina),
    )


@bp.route("/movimentacoes", methods=["POST"])
@login_required
def registrar():
    dados = request.get_json()  # 415 if not JSON, 400 if malformed
    if not isinstance(dados, dict):
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

    db = get_db()
    item = db.itens.find_one({"_id": ObjectId(item_id)})
    if item is None:
        return erro("Item não encontrado", 404)
    if not item.get("ativo"):
        return erro("Item inativo")

    anterior = item["quantidade"]
    if tipo == "entrada":
        posterior = anterior + quantidade
    elif tipo == "saida":
        if quantidade > anterior:
            return erro("Estoque insuficiente", disponivel=anterior)
        posterior = anterior - quantidade
    else:
        posterior = quantidade

    momento = agora()
    db.itens.update_one(
        {"_id": item["_id"]},
        {"$set": {"quantidade": float(posterior), "atualizado_em": momento}},
    )
    item["quantidade"] = float(posterior)
    item["atualizado_em"] = momento

    mov = {
        "item_id": item["_id"],
        "tipo": tipo,
        "quantidade": quantidade,
        "data": momento,
        "usuario": current_user.email,
        "observacao": observacao,
        "estoque_anterior": anterior,
        "estoque_posterior": float(posterior),
    }
    db.movimentacoes.insert_one(mov)

    return jsonify(movimentacao=movimentacao_json(mov, item), item=item_json(item)), 201
