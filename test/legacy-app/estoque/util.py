from datetime import datetime, timezone

from flask import jsonify

TIPOS = ("entrada", "saida", "ajuste")
UNIDADES = ("un", "kg", "m", "l", "cx")


def erro(mensagem, status=400, **extra):
    return jsonify(erro=mensagem, **extra), status


def agora():
    return datetime.now(timezone.utc)


def inicio_do_dia(momento):
    return momento.replace(hour=0, minute=0, second=0, microsecond=0)


def item_json(item):
    return {
        "_id": str(item["_id"]),
        "codigo": item["codigo"],
        "nome": item["nome"],
        "categoria": item.get("categoria"),
        "subcategoria": item.get("subcategoria"),
        "unidade": item.get("unidade"),
        "quantidade": item["quantidade"],
        "estoque_minimo": item["estoque_minimo"],
        "ativo": item.get("ativo"),
        "criado_em": item.get("criado_em"),
        "atualizado_em": item.get("atualizado_em"),
    }


def movimentacao_json(mov, item):
    return {
        "_id": str(mov["_id"]),
        "item_id": str(mov["item_id"]),
        "item_codigo": item.get("codigo") if item else None,
        "item_nome": item.get("nome") if item else None,
        "tipo": mov["tipo"],
        "quantidade": mov["quantidade"],
        "data": mov["data"],
        "usuario": mov.get("usuario"),
        "observacao": mov.get("observacao", ""),
        "estoque_anterior": mov.get("estoque_anterior"),
        "estoque_posterior": mov.get("estoque_posterior"),
    }


def movimentacoes_json(db, movs):
    """Serialize a page of movements, looking up their items in one query."""
    ids = list({m["item_id"] for m in movs})
    itens = {}
    if ids:
        for item in db.itens.find({"_id": {"$in": ids}}, {"codigo": 1, "nome": 1}):
            itens[item["_id"]] = item
    return [movimentacao_json(m, itens.get(m["item_id"])) for m in movs]
