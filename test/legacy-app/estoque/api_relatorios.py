import csv
import io
import zlib

from flask import Blueprint, Response, request, stream_with_context
from flask_login import login_required

from .db import get_db

bp = Blueprint("api_relatorios", __name__, url_prefix="/api/relatorios")

CABECALHO = [
    "data", "item_codigo", "item_nome", "tipo", "quantidade",
    "estoque_anterior", "estoque_posterior", "usuario", "observacao",
]


def _gzip(partes):
    """gzip on the fly: the report can be large, it is compressed while it streams."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    for parte in partes:
        dados = compressor.compress(parte.encode("utf-8"))
        if dados:
            yield dados
    yield compressor.flush()


@bp.route("/movimentacoes.csv")
@login_required
def movimentacoes_csv():
    db = get_db()

    def gerar():
        buffer = io.StringIO()
        escritor = csv.writer(buffer)

        def linha(valores):
            escritor.writerow(valores)
            texto = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return texto

        yield linha(CABECALHO)
        itens = {i["_id"]: i for i in db.itens.find({}, {"codigo": 1, "nome": 1})}
        for mov in db.movimentacoes.find().sort([("data", 1), ("_id", 1)]):
            item = itens.get(mov["item_id"], {})
            yield linha([
                mov["data"].strftime("%Y-%m-%d %H:%M:%S"),
                item.get("codigo", ""),
                item.get("nome", ""),
                mov["tipo"],
                mov["quantidade"],
                mov.get("estoque_anterior", ""),
                mov.get("estoque_posterior", ""),
                mov.get("usuario", ""),
                mov.get("observacao", ""),
            ])

    corpo = gerar()
    headers = {"Content-Disposition": "attachment; filename=movimentacoes.csv", "Vary": "Accept-Encoding"}
    if "gzip" in request.accept_encodings:
        corpo = _gzip(corpo)
        headers["Content-Encoding"] = "gzip"
    return Response(stream_with_context(corpo), mimetype="text/csv", headers=headers)
