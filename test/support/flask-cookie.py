"""Signs a Flask session cookie exactly as the legacy app would, at a chosen time (for expired cookies).

Usage: flask-cookie.py SECRET_KEY TIMESTAMP JSON_DATA
Prints the `session` cookie value made by Flask's own SecureCookieSessionInterface serializer.
"""
import json
import sys

import itsdangerous
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

secret_key, timestamp, data = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
itsdangerous.TimestampSigner.get_timestamp = lambda self: timestamp
app = Flask(__name__)
app.secret_key = secret_key
print(SecureCookieSessionInterface().get_signing_serializer(app).dumps(data))
