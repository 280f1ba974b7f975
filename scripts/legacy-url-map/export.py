"""Exports a Flask app's url_map as JSON: the rules the gateway's router compiles (compat/werkzeug/).

Usage: python scripts/legacy-url-map/export.py [module:factory] [--app-path DIR] [--output FILE]

The default app is the reference legacy app (estoque:create_app, importable from test/legacy-app). A real
deployment exports its own app the same way and points the gateway at the file. The factory runs with a
dummy SECRET_KEY when none is set: only the routing table is read, no request is served.
"""

import argparse
import importlib
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def _json_value(value):
    """Rule defaults as JSON; anything JSON cannot carry is refused, not silently stringified."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    raise TypeError(f"default value {value!r} cannot be exported as JSON")


def export_url_map(app):
    url_map = app.url_map
    rules = []
    for rule in url_map.iter_rules():
        entry = {
            "endpoint": rule.endpoint,
            "rule": rule.rule,
            "methods": sorted(rule.methods) if rule.methods is not None else None,
            "strict_slashes": rule.strict_slashes,
            "merge_slashes": rule.merge_slashes,
            "defaults": _json_value(dict(rule.defaults)) if rule.defaults else {},
            # Flask answers OPTIONS itself for these rules (app.make_default_options_response).
            "provide_automatic_options": bool(getattr(rule, "provide_automatic_options", False)),
        }
        if rule.redirect_to is not None:
            entry["redirect_to"] = rule.redirect_to if isinstance(rule.redirect_to, str) else {"callable": repr(rule.redirect_to)}
        if rule.host:
            entry["host"] = rule.host
        if rule.subdomain:
            entry["subdomain"] = rule.subdomain
        for flag in ("build_only", "alias", "websocket"):
            if getattr(rule, flag):
                entry[flag] = True
        rules.append(entry)
    builtin = {"default", "string", "any", "path", "int", "float", "uuid"}
    return {
        "rules": rules,
        "map": {
            "strict_slashes": url_map.strict_slashes,
            "merge_slashes": url_map.merge_slashes,
            "redirect_defaults": url_map.redirect_defaults,
            "host_matching": url_map.host_matching,
            "default_subdomain": url_map.default_subdomain,
            "subdomain_matching": bool(app.subdomain_matching),
            "converters": {
                name: f"{cls.__module__}.{cls.__qualname__}"
                for name, cls in sorted(url_map.converters.items())
                if name not in builtin or not cls.__module__.startswith("werkzeug.")
            },
        },
    }


def load_app(spec, app_path):
    module_name, _, attr = spec.partition(":")
    sys.path.insert(0, app_path)
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = "url-map-export-only"
    target = getattr(importlib.import_module(module_name), attr or "create_app")
    # A factory is called; an app object (module:app) is used as it is.
    return target() if callable(target) and not hasattr(target, "url_map") else target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app", nargs="?", default="estoque:create_app", help="module:factory or module:app")
    parser.add_argument("--app-path", default=os.path.join(ROOT, "test", "legacy-app"), help="directory put on sys.path")
    parser.add_argument("--output", "-o", help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    text = json.dumps(export_url_map(load_app(args.app, args.app_path)), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
