# syntax=docker/dockerfile:1
# One image for every CAP process: web (gunicorn), worker and beat (Celery),
# setup (`cap setup`), chosen by the container's first argument (see
# scripts/container-entrypoint). Kubernetes manifests: deploy/k8s/.
#
#   docker build -t cap .
#   docker run --rm -p 5000:5000 -e INVENIO_SQLALCHEMY_DATABASE_URI=... cap web

# ---- the web UI bundle (vite), written into the Python package
FROM node:20-bookworm-slim AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY ui/ ./
RUN mkdir -p ../cap/modules/ui/static && npm run build

# ---- the application
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    INVENIO_INSTANCE_PATH=/opt/cap/var/instance
# Runs as an unprivileged user with a fixed uid (the manifests' runAsUser).
RUN useradd --system --uid 1000 --user-group --home-dir /opt/cap cap
WORKDIR /opt/cap
COPY setup.py MANIFEST.in README.md ./
COPY cap/ cap/
COPY --from=ui /src/cap/modules/ui/static/dist/ cap/modules/ui/static/dist/
RUN pip install . \
 && mkdir -p "$INVENIO_INSTANCE_PATH" && chown cap:cap "$INVENIO_INSTANCE_PATH"
COPY scripts/gunicorn.conf.py scripts/container-entrypoint scripts/
USER 1000:1000
EXPOSE 5000
ENTRYPOINT ["/opt/cap/scripts/container-entrypoint"]
CMD ["web"]
