import math
import re

from bson import ObjectId
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required
from pymongo.errors import DuplicateKeyError

from .db import get_db
from .util import UNIDADES, agora, erro, item_json

bp = Blueprint("api_estoque", __name__, url_prefix="/api")

SEM_CATEGORIA = "Sem categoria"
SEM_SUBCATEGORIA = "Sem subcategoria"


@bp.route("/me")
@login_required
def me():
    return jsonify(email=current_user.email, nome=current_user.nome)


@bp.route("/estoque/hierarquia")
@login_required
def hierarquia():
    incluir = request.args.get("incluir_inativos", "false").lower()
    if incluir in ("true", "1", "sim"):
        filtro = {}
    elif incluir in ("false", "0", "nao"):
        filtro = {"ativo": True}
    else:
        return erro("Parâmetro inválido: incluir_inativos")
    somente = request.args.get("categoria")

    cursor = get_db().itens.find(filtro).sort(
        [("categoria", 1), ("subcategoria", 1), ("codigo", 1)]
    )
    grupos = {}
    for item in cursor:
        cat = item.get("categoria") or SEM_CATEGORIA
        sub = item.get("subcategoria") or SEM_SUBCATEGORIA
        if somente and cat != somente:
            continue
        grupos.setdefault(cat, {}).setdefault(sub, []).append(item)

    categorias = []
    for nome_cat in sorted(grupos):
        subcategorias = []
        for nome_sub in sorted(grupos[nome_cat]):
            itens = []
            total = 0
            abaixo = 0
            for item in sorted(grupos[nome_cat][nome_sub], key=lambda i: i["codigo"]):
                baixo = item["quantidade"] < item["estoque_minimo"]
                itens.append({
                    "_id": str(item["_id"]),
                    "codigo": item["codigo"],
                    "nome": item["nome"],
                    "unidade": item.get("unidade"),
                    "quantidade": item["quantidade"],
                    "estoque_minimo": item["estoque_minimo"],
                    "abaixo_minimo": baixo,
                    "ativo": item.get("ativo"),
                })
                total += item["quantidade"]
                abaixo += baixo
            subcategorias.append({
                "nome": nome_sub,
                "total_itens": len(itens),
                "quantidade_total": total,
                "abaixo_minimo": abaixo,
                "itens": itens,
            })
        categorias.append({
            "nome": nome_cat,
            "total_itens": _soma(subcategorias, "total_itens"),
            "quantidade_total": _soma(subcategorias, "quantidade_total"),
            "abaixo_minimo": _soma(subcategorias, "abaixo_minimo"),
            "subcategorias": subcategorias,
        })

    return jsonify(
        categorias=categorias,
        total_itens=_soma(categorias, "total_itens"),
        quantidade_total=_soma(categorias, "quantidade_total"),
        abaixo_minimo=_soma(categorias, "abaixo_minimo"),
    )


def _soma(nos, campo):
    total = 0
    for no in nos:
        total += no[campo]
    return total


# --- CRUD de itens (ainda não migrado) ---------------------------------------


def _numero(valor, padrao=0.0):
    if valor is None or valor == "":
        return padrao
    numero = float(valor)
    if not math.isfinite(numero) or numero < 0:
        raise ValueError(valor)
    return numero


def _texto(valor):
    if valor is None:
        return None
    if not isinstance(valor, str):
        raise ValueError(valor)
    return valor.strip() or None


def _buscar_item(item_id):
    if not ObjectId.is_valid(item_id):
        return None
    return get_db().itens.find_one({"_id": ObjectId(item_id)})


@bp.route("/estoque/itens")
@login_required
def listar_itens():
    filtro = {"ativo": True}
    q = request.args.get("q", "").strip()
    if q:
        padrao = {"$regex": re.escape(q), "$options": "i"}
        filtro["$or"] = [{"codigo": padrao}, {"nome": padrao}]
    categoria = request.args.get("categoria")
    if categoria:
        filtro["categoria"] = categoria
    itens = get_db().itens.find(filtro).sort("codigo", 1)
    return jsonify(itens=[item_json(i) for i in itens])


@bp.route("/estoque/itens", methods=["POST"])
@login_required
def criar_item():
    dados = request.get_json()
    if not isinstance(dados, dict):
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

    db = get_db()
    codigo = codigo.strip()
    if db.itens.find_one({"codigo": codigo}, {"_id": 1}):
        return erro("Código já existe", 409)
    momento = agora()
    item = {
        "codigo": codigo,
        "nome": nome.strip(),
        "categoria": categoria,
        "subcategoria": subcategoria,
        "unidade": unidade,
        "quantidade": quantidade,
        "estoque_minimo": estoque_minimo,
        "ativo": True,
        "criado_em": momento,
        "atualizado_em": momento,
    }
    try:
        db.itens.insert_one(item)
    except DuplicateKeyError:
        return erro("Código já existe", 409)
    return jsonify(item_json(item)), 201


@bp.route("/estoque/itens/<item_id>")
@login_required
def obter_item(item_id):
    item = _buscar_item(item_id)
    if item is None:
        return erro("Item não encontrado", 404)
    return jsonify(item_json(item))


@bp.route("/estoque/itens/<item_id>", methods=["PUT"])
@login_required
def atualizar_item(item_id):
    dados = request.get_json()
    if not isinstance(dados, dict):
        return erro("Dados inválidos")
    item = _buscar_item(item_id)
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

    alteracoes["atualizado_em"] = agora()
    get_db().itens.update_one({"_id": item["_id"]}, {"$set": alteracoes})
    item.update(alteracoes)
    return jsonify(item_json(item))


@bp.route("/estoque/itens/<item_id>", methods=["DELETE"])
@login_required
def excluir_item(item_id):
    item = _buscar_item(item_id)
    if item is None:
        return erro("Item não encontrado", 404)
    get_db().itens.update_one(
        {"_id": item["_id"]}, {"$set": {"ativo": False, "atualizado_em": agora()}}
    )
    return jsonify(ok=True)
