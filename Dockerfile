# syntax=docker/dockerfile:1
# estoque-gateway: multi-stage build (TypeScript -> dist/), then a slim runtime with production deps only.
#   docker build -t estoque-gateway .
#   docker run --rm -p 3000:3000 -e MONGODB_URI=... -e SECRET_KEY=... -e LEGACY_URL=... estoque-gateway
# Node 26 is the current Active LTS (since 2026-10-28); the code also runs on 20.19+ and 24.
# Keep this ARG and NODE_VERSION in render.yaml in step (a test checks they agree).
ARG NODE_VERSION=26

# ---- build: full dependency tree, compile TypeScript ----------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY core ./core
COPY compat ./compat
COPY control ./control
COPY gateway ./gateway
COPY routes ./routes
COPY legacy-proxy ./legacy-proxy
RUN npm run build

# ---- seed: docker-compose's one-shot demo-data seeder (not part of the runtime image) ------------------
FROM build AS seed
COPY scripts/seed ./scripts/seed
COPY deploy/seed-once.ts ./deploy/seed-once.ts
USER 1000:1000
CMD ["node", "--import", "tsx", "deploy/seed-once.ts"]

# ---- deps: production dependencies only -----------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ---------------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Files stay owned by root: the process (uid 1000, "node") can read the code but not change it.
# package.json is needed at run time: its "type": "module" makes dist/**/*.js ES modules.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The base image's unprivileged "node" user, by number so orchestrators can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
# No curl in slim images: Node's own fetch. 127.0.0.1 works with HOST=0.0.0.0 (the default).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself; server.ts drains in-flight requests, closes
# MongoDB and exits 0 within SHUTDOWN_TIMEOUT_MS. Keep the orchestrator's grace period longer than that
# (docker stop -t / stop_grace_period, default 10 s). `docker run --init` adds tini as PID 1 if wanted;
# the gateway spawns no child processes, so there is nothing to reap either way.
STOPSIGNAL SIGTERM
CMD ["node", "dist/gateway/server.js"]
