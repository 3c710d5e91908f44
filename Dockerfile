# syntax=docker/dockerfile:1
# energy-ledger: build with TypeScript, run on Node 24 LTS with production dependencies only, as a non-root user.
#   docker build -t energy-ledger:0.1.0 --build-arg VERSION=0.1.0 --build-arg REVISION=$(git rev-parse HEAD) .
#   docker run --rm -p 9464:9464 energy-ledger:0.1.0 serve --prometheus-url http://prometheus:9090

# Pinned by version: the Node of .node-version (test/platform/node-runtime.test.ts keeps them equal); bump
# deliberately (and the base.name label below follows it).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# 1. Compile src/ to dist/ (needs the dev dependencies: TypeScript).
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# 2. Production dependencies only, exactly as locked; none of them needs an install script.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# 3. Runtime: Node, dist/ and production node_modules; no package managers, no compiler, no sources.
FROM ${NODE_IMAGE} AS runtime
ARG NODE_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="energy-ledger" \
      org.opencontainers.image.description="Exact, reset-aware per-namespace energy accounting for Kubernetes from Kepler counters, re-exposed for Prometheus" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="docker.io/library/${NODE_IMAGE}"
# The service needs neither npm nor yarn at run time: fewer files, fewer CVEs.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The CLI reads its version from package.json.
COPY package.json ./
# A numeric user, so Kubernetes can verify runAsNonRoot; the files stay root-owned and read-only to it.
USER 65532:65532
EXPOSE 9464
# For `docker run` (Kubernetes ignores it and probes /healthz itself): GET /healthz on the port of
# ENERGY_LEDGER_LISTEN (default 9464), with Node's own fetch, as the image has no curl. A listener moved by
# --listen or served over TLS (web.tls_server_config) needs `docker run --health-cmd …` or --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=1m --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.ENERGY_LEDGER_LISTEN ?? ':9464').split(':').pop() + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["serve"]
