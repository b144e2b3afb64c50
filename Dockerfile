# syntax=docker/dockerfile:1
#
# Images of the Pingvas services, one target per app, all from the repository root:
#
#   docker build --target user-service       -t pingvas-user-service .
#   docker build --target payment-service    -t pingvas-payment-service .
#   docker build --target generation-service -t pingvas-generation-service .
#   docker build --target gallery-service    -t pingvas-gallery-service .
#   docker build --target model-service      -t pingvas-model-service .
#   docker build --target gpu-worker         -t pingvas-gpu-worker-cpu .   (CPU inference only)
#   docker build --target system-worker      -t pingvas-system-worker .
#   docker build --target web                -t pingvas-web .          (nginx + the built web app)
#
# The worker that runs on GPU nodes is deploy/docker/gpu-worker/Dockerfile (CUDA + cuDNN base,
# onnxruntime's CUDA provider). Always name a target: without one Docker builds the last stage.
#
# Every image holds the whole dist/ and the production node_modules, so one image can also run
# its service's migrations (the Helm hook Job): node dist/apps/<service>/src/migrate.js
#
# Debian (glibc), not Alpine: onnxruntime-node and sharp ship glibc binaries only.
# Node 24, the LTS line, pinned to a release: the same version as deploy/docker/gpu-worker/
# Dockerfile, the workflow's NODE_VERSION and the Node 24 pass of .ci/run (test/deploy checks).
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
ENV npm_config_update_notifier=false

# ---- every dependency, for the TypeScript build ---------------------------------------------
FROM base AS deps
COPY package.json package-lock.json .npmrc ./
# --ignore-scripts: package.json's allowScripts denies every dependency install script (npm 11,
# bundled with Node 24, honours it; npm 10 does not), so this gives the same tree whichever npm.
# onnxruntime-node's postinstall in particular would fetch CUDA libraries (.npmrc skips it too).
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts

# ---- tsc + tsc-alias into dist/, and the tiny model ------------------------------------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
# The tiny model (about 100 KB, byte-for-byte reproducible) is generated, never copied: models/
# is not in the repository. model-service and the worker get it baked in so they start and warm
# up without a volume; in Kubernetes MODELS_DIR is a volume mounted over it.
RUN npm run build && node dist/scripts/make-tiny-model.js --out models/tiny-sd

# ---- production dependencies only -----------------------------------------------------------
FROM base AS prod-deps
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts
# onnxruntime-node bundles macOS and Windows binaries too (about 220 MB); Linux keeps its own.
RUN rm -rf node_modules/onnxruntime-node/bin/napi-v6/darwin \
           node_modules/onnxruntime-node/bin/napi-v6/win32

# ---- what every app image shares ------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production
# V8's young generation at most 2 x 8 MB (by default Node 20 lets it grow to 2 x 16 MB, Node 24
# further: 2 x 64 MB on a 24 GB machine): less RSS per process after load; the same flags as
# scripts/node-flags.ts (npm start, the benches).
ENV NODE_OPTIONS="--max-semi-space-size=8"
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Code and dependencies stay root-owned (the app cannot change them); the only writable paths
# are the ones the apps default to: .var (blob store, dev JWT keys) and models (MODELS_DIR).
RUN mkdir -p .var models && chown 1000:1000 .var models
# Numeric user (the image's "node" user): Kubernetes can then check runAsNonRoot by itself.
USER 1000:1000

# ---- one target per app ---------------------------------------------------------------------
# The health check asks /health (liveness, no dependencies) on the port the app listens on;
# curl is not in the image, Node's fetch is.

FROM runtime AS user-service
EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8001)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/user-service/src/main.js"]

FROM runtime AS payment-service
EXPOSE 8002
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8002)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/payment-service/src/main.js"]

FROM runtime AS generation-service
EXPOSE 8003
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8003)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/generation-service/src/main.js"]

FROM runtime AS gallery-service
EXPOSE 8004
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8004)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/gallery-service/src/main.js"]

FROM runtime AS model-service
COPY --from=build --chown=1000:1000 /app/models ./models
EXPOSE 8005
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||8005)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/model-service/src/main.js"]

# The worker on ONNX Runtime's CPU provider: for machines without a GPU (a laptop, a CPU-only
# dev cluster). GPU nodes run deploy/docker/gpu-worker/Dockerfile instead.
FROM runtime AS gpu-worker
COPY --from=build --chown=1000:1000 /app/models ./models
# Only the CPU provider exists in this image; asking for cuda first would only log a failure.
ENV ORT_EXECUTION_PROVIDERS=cpu
EXPOSE 9091
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||9091)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/gpu-worker/src/main.js"]

# The system worker (mail, data exports, erasure of exports): no GPU, no models, no public API.
FROM runtime AS system-worker
EXPOSE 9092
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node","-e","fetch('http://127.0.0.1:'+(process.env.PORT||9092)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node","dist/apps/system-worker/src/main.js"]

# ---- the web app: apps/web built by Vite, served by nginx ------------------------------------
# Vite reads apps/web and libs/contracts (the route table, the cookie contract); the .gz twins
# of the larger files are written here once, and nginx's gzip_static serves them.
FROM deps AS web-build
COPY tsconfig.json ./
COPY libs/contracts ./libs/contracts
COPY apps/web ./apps/web
RUN npm run build:web \
 && find apps/web/dist -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' -o -name '*.json' \) \
      -size +1k -exec gzip -9 -k -n {} +

# nginx as user 101 on 8080 (no root, no capability to bind below 1024), every writable path
# under /tmp: see deploy/docker/web/nginx.conf. The entrypoint scripts of the base image (which
# rewrite config files) are skipped: the config is complete and the root filesystem read-only.
FROM nginxinc/nginx-unprivileged:1.29-alpine AS web
COPY deploy/docker/web/nginx.conf /etc/nginx/nginx.conf
COPY --from=web-build /app/apps/web/dist /usr/share/nginx/html
USER 101
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 \
  CMD ["wget","-q","-O","/dev/null","http://127.0.0.1:8080/health"]
ENTRYPOINT ["nginx","-g","daemon off;"]
