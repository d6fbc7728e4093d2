# One image for every app; choose the app with APP (gateway, auth, user, movie, recommendation).
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node scripts/build.js && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production APP=gateway MODE=split
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node config ./config
USER node
EXPOSE 7777
CMD ["sh", "-c", "exec node dist/apps/$APP/main.js"]
