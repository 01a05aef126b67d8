"""The deployment files a clinic's IT runs. Base images cannot be pulled here, so the container
files are checked, not built: Caddy validates its file, ``docker compose config`` validates the
compose file where that tool exists, and both are read for what a safe stack needs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_caddyfile_is_valid_for_localhost_and_for_a_real_domain():
    if shutil.which("caddy") is None:
        unavailable("Caddy", "scripts/test.sh installs Debian's caddy with apt-get")
    for extra in ({}, {"MIWELL_DOMAIN": "miwell.example.org", "MIWELL_TLS_EMAIL": "it@example.org"}):
        env = {**os.environ, "MIWELL_HTTPS_PORT": "8443", "MIWELL_HTTP_PORT": "8080", **extra}
        done = subprocess.run(
            ["caddy", "validate", "--config", str(ROOT / "deploy/Caddyfile"), "--adapter", "caddyfile"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]


def test_the_compose_stack_has_its_four_services_with_health_checks_and_volumes():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "app", "caddy"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
        assert service.get("restart") == "unless-stopped"
    # Data lives in named volumes, declared once.
    used = {v.split(":")[0] for s in services.values() for v in s.get("volumes", []) if not v.startswith(".")}
    assert used <= set(COMPOSE["volumes"]) and {"db-data", "caddy-data"} <= used
    app = services["app"]
    assert app["depends_on"] == {"db": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}}
    assert app["environment"]["MIWELL_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "ports" not in app and "ports" not in services["db"]  # only Caddy faces the network
    # Behind exactly one proxy: sign-in throttling and the audit log see the client's address.
    assert app["environment"]["REFLEX_TRUSTED_PROXY_HOPS"] == "1"
    assert "REFLEX_TRUSTED_PROXY_HOPS=1" in (ROOT / "scripts/serve.sh").read_text()
    assert "443:443" in services["caddy"]["ports"]


def test_no_secret_is_written_in_the_compose_file():
    text = (ROOT / "compose.yaml").read_text()
    assert "${MIWELL_SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text
    app_env = COMPOSE["services"]["app"]["environment"]
    assert app_env["MIWELL_SECRET_KEY"] == "${MIWELL_SECRET_KEY:?set MIWELL_SECRET_KEY}"


def test_the_compose_file_is_well_formed_and_docker_compose_accepts_it_where_it_exists():
    assert set(COMPOSE) <= {"name", "services", "volumes", "networks", "secrets"}
    for service in COMPOSE["services"].values():
        assert ("image" in service) != ("build" in service)
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        return  # no `docker compose` here (this machine's docker lacks the plugin): the reading above stands
    env = {**os.environ, "MIWELL_SECRET_KEY": "x" * 40, "POSTGRES_PASSWORD": "y" * 20}
    done = subprocess.run([docker, "compose", "-f", str(ROOT / "compose.yaml"), "config", "-q"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_app_image_runs_unprivileged_with_a_health_check():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "\nUSER miwell\n" in dockerfile and "HEALTHCHECK" in dockerfile
    assert 'CMD ["bash", "scripts/container-start.sh"]' in dockerfile
    assert (ROOT / "scripts/container-start.sh").exists()
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts/container-start.sh")]).returncode == 0


def test_serve_refuses_to_start_without_postgresql_redis_and_a_key(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("MIWELL_", "REFLEX_"))}
    cases = [
        ({}, "MIWELL_DATABASE_URL must be set"),
        ({"MIWELL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}, "must be a PostgreSQL URL"),
        ({"MIWELL_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/x"}, "REFLEX_REDIS_URL must be set"),
        ({"MIWELL_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/x", "REFLEX_REDIS_URL": "redis://127.0.0.1/0"}, "MIWELL_SECRET_KEY must be set"),
    ]
    for extra, message in cases:
        done = subprocess.run(["bash", str(ROOT / "scripts/serve.sh")], env={**base, **extra}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and message in done.stderr, (extra, done.stderr)
    assert not (tmp_path / "x.db").exists()  # refused before anything touched a database
