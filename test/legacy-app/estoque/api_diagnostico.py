import hashlib

from flask import Blueprint, jsonify, request
from flask_login import login_required

bp = Blueprint("api_diagnostico", __name__, url_prefix="/api/diagnostico")


@bp.route("/requisicao", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@login_required
def requisicao():
    """For operations: the request as this app received it (behind proxies, load balancers, gateways)."""
    corpo = request.get_data(cache=False)
    return jsonify(
        metodo=request.method,
        # The request target exactly as it arrived on the wire (gunicorn's RAW_URI), and as WSGI decoded it.
        raw_uri=request.environ.get("RAW_URI"),
        request_uri=request.environ.get("REQUEST_URI"),
        path=request.path,
        query_string=request.query_string.decode("latin-1"),
        remote_addr=request.remote_addr,
        scheme=request.scheme,
        host=request.host,
        headers=[[nome, valor] for nome, valor in request.headers.items()],
        corpo={"bytes": len(corpo), "sha256": hashlib.sha256(corpo).hexdigest()},
    )
