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
# Type declarations and source maps are never read at run time (about a quarter of node_modules).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.cts' -o -name '*.d.mts' -o -name '*.map' \) -delete

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production MODE=split APP=gateway
WORKDIR /app
# Code stays owned by root (read-only for the app); only logs and data are writable by the node user.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
COPY scripts/healthcheck.js ./scripts/healthcheck.js
RUN mkdir -p logs data && chown node:node logs data
USER node
# The gateway's HTTP port and the services' health ports; service transport ports stay internal.
EXPOSE 7777 9807 9808 9809 9810
# GET /health/ready on the port of the app this container runs.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.js"]
# exec: node is PID 1 and receives SIGTERM itself, so graceful shutdown runs.
CMD ["sh", "-c", "test -f dist/apps/$APP/main.js || { echo \"APP must be one of gateway, auth, user, movie, recommendation (got '$APP')\" >&2; exit 64; }; exec node dist/apps/$APP/main.js"]
