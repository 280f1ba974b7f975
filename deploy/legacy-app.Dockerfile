# syntax=docker/dockerfile:1
# The reference legacy estoque app (Flask + gunicorn sync workers), for docker-compose only.
# Build context: test/legacy-app (see docker-compose.yml); its ignore file is legacy-app.Dockerfile.dockerignore.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8000
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt
COPY gunicorn.conf.py wsgi.py ./
COPY estoque ./estoque
RUN groupadd --system --gid 10001 estoque \
    && useradd --system --uid 10001 --gid 10001 --no-create-home estoque
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=5 \
  CMD ["python", "-c", "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/login' % os.environ.get('PORT', '8000'), timeout=4)"]
# gunicorn.conf.py binds 0.0.0.0:$PORT, WEB_CONCURRENCY sync workers, graceful_timeout 10 s.
CMD ["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"]
