"""A Flask app with one rule per Werkzeug routing feature the legacy app does not use (converters and their
arguments, mixed parts, slash options, methods, redirects), for the router's differential test."""

from flask import Flask


def create_app():
    app = Flask(__name__, static_folder=None)

    def rule(path, endpoint, **options):
        app.add_url_rule(path, endpoint=endpoint, view_func=lambda **kwargs: "", **options)

    rule("/", "root")
    rule("/zoo/int/<int:n>", "int")
    rule("/zoo/int/<int(signed=True):n>/s", "int_signed")
    rule("/zoo/fixed/<int(fixed_digits=4):n>", "int_fixed")
    rule("/zoo/range/<int(min=1, max=100):n>", "int_range")
    rule("/zoo/float/<float:x>", "float")
    rule("/zoo/float/<float(signed=True, max=2.5):x>/s", "float_signed")
    rule("/zoo/uuid/<uuid:u>", "uuid")
    rule("/zoo/any/<any(a, b, \"c.d\", 'x-y'):choice>", "any")
    rule("/zoo/len/<string(length=2):code>", "len2")
    rule("/zoo/len/<string(minlength=3, maxlength=5):word>/w", "len35")
    rule("/zoo/path/<path:p>", "path")
    rule("/zoo/path/<path:p>/edit", "path_edit")
    rule("/zoo/tail/<path:p>/", "path_tail")
    rule("/zoo/mixed/<int:id>", "mixed_int")
    rule("/zoo/mixed/<id>", "mixed_str")
    rule("/zoo/mixed/static", "mixed_static")
    rule("/zoo/mixed/<path:rest>", "mixed_path")
    rule("/zoo/file/<name>.<ext>", "file")
    rule("/zoo/v<int:version>/items", "versioned")
    rule("/zoo/branch/", "branch")
    rule("/zoo/loose/", "loose", strict_slashes=False)
    rule("/zoo/leaf", "leaf", strict_slashes=False)
    rule("/zoo/nomerge//double", "nomerge", merge_slashes=False)
    rule("/zoo/methods", "methods_write", methods=["PUT", "DELETE"])
    rule("/zoo/methods", "methods_read")
    rule("/zoo/post-only/", "post_only", methods=["POST"])
    rule("/zoo/multi/<a>/<int:b>/<path:c>", "multi")
    rule("/zoo/café/<nome>", "unicode")
    rule("/zoo/defaults", "defaults", defaults={"page": 1, "tag": "all"})
    rule("/zoo/old/<int:n>", "old", redirect_to="zoo/int/<n>")
    rule("/zoo/<section>/", "section_branch")
    rule("/zoo/<section>/<int:page>", "section_page")
    return app
