from bson import ObjectId
from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_user, logout_user
from werkzeug.security import check_password_hash

from .db import get_db

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class User(UserMixin):
    def __init__(self, doc):
        self.id = str(doc["_id"])
        self.email = doc["email"]
        self.nome = doc.get("nome") or doc["email"]
        self.ativo = doc.get("ativo", False)

    @property
    def is_active(self):
        return bool(self.ativo)


@login_manager.user_loader
def load_user(user_id):
    if not ObjectId.is_valid(user_id):
        return None
    doc = get_db().usuarios.find_one({"_id": ObjectId(user_id), "ativo": True})
    return User(doc) if doc else None


@login_manager.unauthorized_handler
def nao_autenticado():
    if request.path.startswith("/api/"):
        return jsonify(erro="Não autenticado"), 401
    return redirect(url_for("auth.login", next=request.path))


def _destino_seguro(destino):
    # Only relative paths on this site: "/x" yes, "//host/x" and "http://..." no.
    if destino and destino.startswith("/") and not destino.startswith("//"):
        return destino
    return url_for("paginas.inicio")


@bp.route("/login", methods=["GET", "POST"])
def login():
    erro = None
    email = ""
    if request.method == "POST":
        email = request.form.get("email", "").strip().lower()
        senha = request.form.get("password", "")
        lembrar = bool(request.form.get("remember"))
        doc = get_db().usuarios.find_one({"email": email}) if email else None
        if doc and doc.get("ativo") and check_password_hash(doc.get("senha_hash", ""), senha):
            login_user(User(doc), remember=lembrar)
            return redirect(_destino_seguro(request.args.get("next")))
        erro = "E-mail ou senha inválidos."
    return render_template("login.html", erro=erro, email=email)


@bp.route("/logout")
def logout():
    logout_user()
    return redirect(url_for("auth.login"))
