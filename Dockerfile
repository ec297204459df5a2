# syntax=docker/dockerfile:1
# Égide in a container: `egide serve` by default; the same image runs the background worker (`egide db_worker`)
# and the database's migrations (`egide setup --no-static --no-demo`). compose.yaml puts them together;
# docs/deployment.md says how to run it. Base images are pinned by version and by digest: the tag says which,
# the digest makes sure it is that one.
ARG NODE_IMAGE=node:22.23.1-bookworm-slim@sha256:6c74791e557ce11fc957704f6d4fe134a7bc8d6f5ca4403205b2966bd488f6b3
ARG PYTHON_IMAGE=python:3.12.12-slim-bookworm@sha256:593bd06efe90efa80dc4eee3948be7c0fde4134606dd40d8dd8dbcade98e669c

# 1. The front-end libraries and bundles, from package-lock.json.
FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/ scripts/
COPY src/egide/static/ src/egide/static/
RUN npm run build

# 2. The Python packages from the lock file (the runtime's: no test or lint tools), then Égide itself.
FROM ${PYTHON_IMAGE} AS python
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/egide
COPY requirements-runtime.lock /build/
RUN /opt/egide/bin/pip install -r /build/requirements-runtime.lock
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src/ src/
COPY --from=assets /build/src/egide/static/vendor/ src/egide/static/vendor/
COPY --from=assets /build/src/egide/static/build/ src/egide/static/build/
RUN /opt/egide/bin/pip install --no-deps . \
    && DEBUG=false EGIDE_LOCAL=true EGIDE_DATA_DIR=/tmp/build-data EGIDE_STATIC_ROOT=/opt/egide-static \
       /opt/egide/bin/egide setup --static-only \
    && rm -rf /tmp/build-data

# 3. What runs: the virtual environment and the collected static files, as a user without privileges.
FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 egide \
    && useradd --system --uid 10001 --gid egide --home-dir /var/lib/egide --create-home egide
COPY --from=python /opt/egide /opt/egide
COPY --from=python /opt/egide-static /opt/egide-static
ENV PATH=/opt/egide/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    EGIDE_DATA_DIR=/var/lib/egide \
    EGIDE_STATIC_ROOT=/opt/egide-static \
    EGIDE_SERVE_ADDRESS=0.0.0.0:8000
USER egide
WORKDIR /var/lib/egide
VOLUME ["/var/lib/egide"]
EXPOSE 8000
# Liveness only: readiness (/health/ready) is for the load balancer, which decides where requests go.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4); sys.exit(0)"]
# Exec form: `egide serve` is process 1 and gets the signals itself (SIGTERM from `docker stop`: a graceful stop).
CMD ["egide", "serve"]
