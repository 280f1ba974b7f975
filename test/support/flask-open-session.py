"""Opens session cookies exactly as the legacy app's Flask would, for parity tests.

Reads JSON from stdin: {"keys": [SECRET_KEY, *FALLBACKS], "now": seconds, "cookies": [value, ...]}
Writes a JSON list: for each cookie, the session's `_user_id` (repr'd when it is not a str) or null when
Flask opens an empty session, or "ERROR: ..." when Flask itself would raise.
"""
import json
import sys

import itsdangerous
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

request = json.load(sys.stdin)
itsdangerous.TimestampSigner.get_timestamp = lambda self: request["now"]
app = Flask(__name__)
app.secret_key = request["keys"][0]
app.config["SECRET_KEY_FALLBACKS"] = request["keys"][1:]
interface = SecureCookieSessionInterface()
results = []
for value in request["cookies"]:
    with app.test_request_context("/", headers={"Cookie": f"session={value}"}):
        from flask import request as flask_request

        try:
            session = interface.open_session(app, flask_request)
        except Exception as error:  # Flask would answer 500
            results.append(f"ERROR: {type(error).__name__}")
            continue
        if not session:
            results.append(None)
        else:
            user_id = session.get("_user_id")
            results.append(user_id if isinstance(user_id, str) or user_id is None else repr(user_id))
print(json.dumps(results))
