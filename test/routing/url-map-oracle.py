"""The routing oracle for test/routing: what gunicorn + Flask + Werkzeug do with a raw request line.

Reads JSON lines on stdin, answers one JSON line each on stdout:
  {"op": "export"}  -> the app's url_map as scripts/legacy-url-map/export.py writes it
  {"op": "match", "method": "GET", "target": "/raw%20target", "host": "h"}
      (target: one character per byte, as latin-1) -> {"kind": "match", "endpoint", "rule", "args"}
      | {"kind": "redirect", "location"} | {"kind": "method-not-allowed", "allowed"} | {"kind": "not-found"}
      | {"kind": "bad-request", "reason"}  (gunicorn refuses the request) | {"kind": "http-error", "code"}

Each request goes through gunicorn's own parser (gunicorn.http.parser.RequestParser) and WSGI environ
builder (gunicorn.http.wsgi.create), then exactly what Flask does per request: app.request_class(environ),
app.create_url_adapter(request).match(return_rule=True).

Usage: python url-map-oracle.py [module:factory] [--app-path DIR]   (default: the reference legacy app)
"""

import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "legacy-url-map"))

from export import export_url_map, load_app  # noqa: E402
from gunicorn.config import Config  # noqa: E402
from gunicorn.http.errors import ParseException  # noqa: E402
from gunicorn.http.parser import RequestParser  # noqa: E402
from gunicorn.http import wsgi as gunicorn_wsgi  # noqa: E402
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound  # noqa: E402
from werkzeug.routing import RequestRedirect  # noqa: E402


class StubSocket:
    def send(self, data):
        return len(data)

    def sendall(self, data):
        return None


def typed(value):
    # bool before int: bool is an int subclass.
    if isinstance(value, bool):
        return {"t": "bool", "v": value}
    if isinstance(value, int):
        return {"t": "int", "v": str(value)}
    if isinstance(value, float):
        return {"t": "float", "v": repr(value)}
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, uuid.UUID):
        return {"t": "uuid", "v": str(value)}
    if value is None:
        return {"t": "none", "v": None}
    return {"t": type(value).__name__, "v": repr(value)}


def answer(app, cfg, method, target, host):
    raw = f"{method} {target} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("latin-1")
    try:
        parser = RequestParser(cfg, iter([raw]), ("127.0.0.1", 50000))
        req = next(parser)
        _, environ = gunicorn_wsgi.create(req, StubSocket(), ("127.0.0.1", 50000), ("127.0.0.1", 8000), cfg)
    except (ParseException, StopIteration) as e:
        return {"kind": "bad-request", "reason": type(e).__name__}
    request = app.request_class(environ)
    try:
        adapter = app.create_url_adapter(request)
        rule, args = adapter.match(return_rule=True)
    except RequestRedirect as e:
        return {"kind": "redirect", "location": e.new_url}
    except MethodNotAllowed as e:
        return {"kind": "method-not-allowed", "allowed": sorted(e.valid_methods or [])}
    except NotFound:
        return {"kind": "not-found"}
    except HTTPException as e:
        return {"kind": "http-error", "code": e.code}
    return {
        "kind": "match",
        "endpoint": rule.endpoint,
        "rule": rule.rule,
        "args": {name: typed(value) for name, value in args.items()},
    }


def main():
    args = sys.argv[1:]
    spec = "estoque:create_app"
    app_path = os.path.join(ROOT, "test", "legacy-app")
    while args:
        arg = args.pop(0)
        if arg == "--app-path":
            app_path = args.pop(0)
        else:
            spec = arg
    app = load_app(spec, app_path)
    cfg = Config()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        query = json.loads(line)
        if query.get("op") == "export":
            result = export_url_map(app)
        else:
            try:
                result = answer(app, cfg, query["method"], query["target"], query.get("host", "localhost"))
            except Exception as e:  # the oracle itself failed: report it, keep serving
                result = {"kind": "oracle-error", "error": f"{type(e).__name__}: {e}"}
        result["id"] = query.get("id")
        out.write(json.dumps(result) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
