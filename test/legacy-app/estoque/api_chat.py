import time

from flask import Blueprint, Response, request, stream_with_context
from flask_login import current_user, login_required

from .db import get_db

bp = Blueprint("api_chat", __name__, url_prefix="/api")

INTERVALO = 0.5


def _evento(texto, evento=None):
    linhas = []
    if evento:
        linhas.append(f"event: {evento}")
    linhas.append(f"data: {texto}")
    return "\n".join(linhas) + "\n\n"


@bp.route("/chat")
@login_required
def chat():
    # One line only: a newline would end the SSE "data:" field.
    mensagem = " ".join(request.args.get("mensagem", "").split())

    def gerar():
        yield _evento(f"Olá, {current_user.nome}! ")
        time.sleep(INTERVALO)
        if mensagem:
            yield _evento(f"Você perguntou: \"{mensagem}\". ")
        else:
            yield _evento("Você não perguntou nada, mas vou ajudar mesmo assim. ")
        time.sleep(INTERVALO)
        yield _evento("Consultando o estoque... ")
        time.sleep(INTERVALO)
        db = get_db()
        ativos = db.itens.count_documents({"ativo": True})
        yield _evento(f"Há {ativos} itens ativos cadastrados. ")
        time.sleep(INTERVALO)
        yield _evento("Posso ajudar em algo mais?")
        time.sleep(INTERVALO)
        yield _evento("fim", evento="fim")

    return Response(
        stream_with_context(gerar()),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
