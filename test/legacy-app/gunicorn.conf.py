import os

bind = os.environ.get("BIND") or "0.0.0.0:{}".format(os.environ.get("PORT", "8000"))
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
# The chat endpoint streams Server-Sent Events from a sync worker; give it room.
timeout = 120
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
