"""Reads base64 BSON documents, one a line; writes what Flask 3's JSON provider makes of each (PyMongo's
decoding, then app.json.dumps with jsonify's separators), base64 of the UTF-8 text, or `!TypeName`."""
import base64
import sys

import bson
from flask import Flask

provider = Flask(__name__).json
for line in sys.stdin:
    try:
        doc = bson.decode(base64.b64decode(line))
        out = provider.dumps(doc["v"], separators=(",", ":"))
        sys.stdout.write(base64.b64encode(out.encode()).decode() + "\n")
    except Exception as e:  # noqa: BLE001 - the type is the answer
        sys.stdout.write("!" + type(e).__name__ + "\n")
