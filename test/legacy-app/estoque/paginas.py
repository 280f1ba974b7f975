from flask import Blueprint, redirect, render_template, url_for
from flask_login import login_required

bp = Blueprint("paginas", __name__)


@bp.route("/")
def inicio():
    return redirect(url_for("paginas.dashboard"))


@bp.route("/dashboard")
@login_required
def dashboard():
    return render_template("dashboard.html", pagina="dashboard")


@bp.route("/estoque/")
@login_required
def estoque():
    return render_template("estoque.html", pagina="estoque")


@bp.route("/movimentacoes")
@login_required
def movimentacoes():
    return render_template("movimentacoes.html", pagina="movimentacoes")


@bp.route("/chat")
@login_required
def chat():
    return render_template("chat.html", pagina="chat")
