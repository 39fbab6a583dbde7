# BCSC Video API v2 — the service alone (apps/api), configured from the environment (.env.example).
# Two stages: dependencies are installed (better-sqlite3 is a native addon) and the service is
# bundled with the toolchain, then copied into a slim runtime image that runs as an unprivileged user.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY tsconfig.json ./
COPY core ./core
COPY adapters ./adapters
COPY simulators ./simulators
COPY apps ./apps
# The service and its SQLite thread as two ES modules (esbuild): ready in about half a second,
# where tsx would first transpile.
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATABASE_PATH=/data/video-api.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Liveness from inside the container; orchestrators should also probe GET /readyz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM stops it gracefully: stop accepting, finish in-flight requests, flush the outbox.
STOPSIGNAL SIGTERM
CMD ["node", "dist/api.mjs"]
