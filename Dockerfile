# MiWell's app container: the built Reflex app (two workers) and the job queue consumer.
# PostgreSQL, Redis and Caddy run beside it (compose.yaml). Build: docker compose build
FROM python:3.11-slim-bookworm

# Node.js builds the frontend once, at image build time; curl serves the health check.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm curl unzip \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 miwell
WORKDIR /app
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt \
    && npm install --prefix /opt/tools --no-audit --no-fund bun@1.4.5
ENV PATH="/opt/tools/node_modules/.bin:$PATH" \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=0 \
    PYTHONUNBUFFERED=1 \
    MIWELL_COOKIE_SECURE=true \
    MIWELL_FRONTEND_PORT=3000 \
    MIWELL_BACKEND_PORT=3000 \
    GRANIAN_WORKERS=2
COPY --chown=miwell:miwell . .
USER miwell
# Build the pages once now, which installs their JavaScript packages into the image: at start,
# `reflex run --env prod` builds again with the public address (REFLEX_API_URL) and needs no network.
RUN MIWELL_SECRET_KEY=build-only MIWELL_DATABASE_URL=sqlite:////tmp/build.db reflex export --frontend-only --no-zip \
    && rm -f /tmp/build.db
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD curl -fsS http://127.0.0.1:3000/ping || exit 1
CMD ["bash", "scripts/container-start.sh"]
