from datetime import timedelta

from flask import Blueprint, jsonify
from flask_login import login_required

from .db import get_db
from .util import agora, inicio_do_dia, movimentacoes_json

bp = Blueprint("api_dashboard", __name__, url_prefix="/api")


@bp.route("/dashboard")
@login_required
def dashboard():
    db = get_db()

    total_itens = 0
    quantidade_total = 0
    abaixo = []
    for item in db.itens.find({"ativo": True}).sort("codigo", 1):
        total_itens += 1
        quantidade_total += item["quantidade"]
        if item["quantidade"] < item["estoque_minimo"]:
            abaixo.append({
                "_id": str(item["_id"]),
                "codigo": item["codigo"],
                "nome": item["nome"],
                "unidade": item.get("unidade"),
                "quantidade": item["quantidade"],
                "estoque_minimo": item["estoque_minimo"],
            })

    hoje = inicio_do_dia(agora())
    amanha = hoje + timedelta(days=1)
    movimentacoes_hoje = db.movimentacoes.count_documents(
        {"data": {"$gte": hoje, "$lt": amanha}}
    )

    ultimas = list(db.movimentacoes.find().sort([("data", -1), ("_id", -1)]).limit(10))

    dias = [hoje - timedelta(days=n) for n in range(6, -1, -1)]
    por_dia = {d.strftime("%Y-%m-%d"): {"entradas": 0, "saidas": 0} for d in dias}
    semana = db.movimentacoes.find(
        {"data": {"$gte": dias[0], "$lt": amanha}, "tipo": {"$in": ["entrada", "saida"]}}
    ).sort([("data", 1), ("_id", 1)])
    for mov in semana:
        dia = por_dia[mov["data"].strftime("%Y-%m-%d")]
        dia["entradas" if mov["tipo"] == "entrada" else "saidas"] += mov["quantidade"]

    return jsonify(
        total_itens=total_itens,
        quantidade_total=quantidade_total,
        itens_abaixo_minimo=len(abaixo),
        lista_abaixo_minimo=abaixo[:10],
        movimentacoes_hoje=movimentacoes_hoje,
        ultimas_movimentacoes=movimentacoes_json(db, ultimas),
        por_dia=[{"data": d, **v} for d, v in por_dia.items()],
    )
