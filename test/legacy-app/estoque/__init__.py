import os

from flask import Flask, json, request
from werkzeug.exceptions import HTTPException

from . import db
from .auth import login_manager

MENSAGENS_ERRO = {
    400: "Requisição inválida",
    404: "Recurso não encontrado",
    405: "Método não permitido",
    413: "Requisição muito grande",
    415: "Tipo de conteúdo não suportado",
    500: "Erro interno",
}


def create_app(config=None):
    app = Flask(__name__)

    secret_key = os.environ.get("SECRET_KEY")
    fallbacks = os.environ.get("SECRET_KEY_FALLBACKS", "")
    app.config.update(
        SECRET_KEY=secret_key,
        SECRET_KEY_FALLBACKS=[k.strip() for k in fallbacks.split(",") if k.strip()],
        MONGODB_URI=os.environ.get("MONGODB_URI", "mongodb://127.0.0.1:27017"),
        MONGODB_DB=os.environ.get("MONGODB_DB", "estoque"),
        MAX_CONTENT_LENGTH=int(os.environ.get("MAX_CONTENT_LENGTH", 32 * 1024 * 1024)),
        SESSION_COOKIE_HTTPONLY=True,
    )
    if config:
        app.config.update(config)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY não definida")

    db.init_app(app)
    login_manager.init_app(app)

    from .auth import bp as auth_bp
    from .paginas import bp as paginas_bp
    from .api_estoque import bp as api_estoque_bp
    from .api_movimentacoes import bp as api_movimentacoes_bp
    from .api_dashboard import bp as api_dashboard_bp
    from .api_chat import bp as api_chat_bp
    from .api_importacao import bp as api_importacao_bp
    from .api_relatorios import bp as api_relatorios_bp
    from .api_diagnostico import bp as api_diagnostico_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(paginas_bp)
    app.register_blueprint(api_estoque_bp)
    app.register_blueprint(api_movimentacoes_bp)
    app.register_blueprint(api_dashboard_bp)
    app.register_blueprint(api_chat_bp)
    app.register_blueprint(api_importacao_bp)
    app.register_blueprint(api_relatorios_bp)
    app.register_blueprint(api_diagnostico_bp)

    @app.errorhandler(HTTPException)
    def erro_http(e):
        # Pages keep Werkzeug's HTML error pages; the API always answers JSON.
        if not request.path.startswith("/api/"):
            return e
        response = e.get_response()
        response.data = json.dumps({"erro": MENSAGENS_ERRO.get(e.code, e.name)}) + "\n"
        response.content_type = "application/json"
        return response

    return app
