# One image for every app: APP picks gateway, auth, user, movie or recommendation (default gateway).
# Configuration comes only from environment variables at run time; nothing secret is baked in.

# Build: full install, then the nest CLI (SWC) compiles every app to dist/apps/<app>/main.js.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.js

# Production dependencies only, installed apart so the runtime never sees the dev tool chain.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Never read at run time: TypeScript sources and declarations, source maps, markdown, and the TypeScript
# compiler (@nestjs/swagger depends on it for its build-time CLI plugin only). About a third of node_modules.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && find node_modules -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' -o -name '*.md' \) -delete \
 && rm -rf node_modules/typescript \
 && mkdir -p /state/logs /state/data

# Runtime: Node and glibc only (no shell, no package manager), as user nonroot (65532). The Debian slim Node
# image would add 80 MB of Debian and npm that the apps never use.
FROM gcr.io/distroless/nodejs24-debian12:nonroot AS runtime
ENV NODE_ENV=production MODE=split APP=gateway
WORKDIR /app
# Code stays owned by root (read-only for the app); only logs and data are writable by the app's user.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
COPY scripts/healthcheck.js scripts/start-app.js ./scripts/
COPY --from=deps --chown=65532:65532 /state/ ./
USER 65532:65532
# The gateway's HTTP port and the services' health ports; service transport ports stay internal.
EXPOSE 7777 9807 9808 9809 9810
# GET /health/ready on the port of the app this container runs.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["/nodejs/bin/node", "scripts/healthcheck.js"]
# The image's entrypoint is node, which is PID 1 and receives SIGTERM itself, so graceful shutdown runs.
ENTRYPOINT ["/nodejs/bin/node"]
CMD ["scripts/start-app.js"]
