# Production image of the SSO backend on Node 24 (an LTS line). Three stages:
#   build     compiles TypeScript and drops the dev dependencies;
#   emulator  the Vercel emulator, for `docker compose --profile dev` only (never deployed);
#   runtime   (the default, last stage) the backend alone: scripts/prune-image-dist.sh removes the
#             emulator, the CLI and the demo from dist/ (test/integration/package/image-contents.test.ts runs the
#             same script on a fresh build and checks what remains), no npm, non-root, health check.
# Pin the base by digest in your registry for reproducible builds (node:24-bookworm-slim@sha256:…).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE} AS emulator
ENV NODE_ENV=development
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY views ./views
COPY public ./public
USER node
EXPOSE 4000
CMD ["node", "dist/emulator/main.js"]

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# No package manager at run time: npm, npx and corepack are not needed to run node.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY scripts/prune-image-dist.sh /tmp/prune-image-dist.sh
RUN sh /tmp/prune-image-dist.sh dist && rm /tmp/prune-image-dist.sh
COPY package.json ./
COPY views ./views
COPY public ./public
RUN rm -rf views/emulator
# Files stay owned by root: the process (user node) can read them, not change them.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
