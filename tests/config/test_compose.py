"""The production stack (docker-compose.yml, Dockerfile, .env.example) refers only to things that exist.

Docker does not run in CI, so these tests read the files and check every command against the project: the
WSGI module, the Celery app, the management commands, the gunicorn config, the variables production needs.
"""

import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_of(service: dict) -> list[str]:
    command = service.get("command")
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_stack_has_database_broker_web_worker_beat_and_a_migrate_job(services):
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert re.match(r"^(redis|valkey/valkey):", services["redis"]["image"])


def test_exactly_one_beat_is_scheduled(services):
    beats = [
        name
        for name, service in services.items()
        if command_of(service)[:4] == ["celery", "-A", "config", "beat"]
    ]
    assert beats == ["beat"]
    replicas = services["beat"].get("deploy", {}).get("replicas", 1)
    assert replicas == 1
    # A worker started with -B would be a second beat.
    for name, service in services.items():
        if name != "beat":
            assert "-B" not in command_of(service) and "--beat" not in command_of(service)


def test_web_worker_beat_and_migrate_run_the_same_image(services):
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    assert all(services[name].get("build") == "." for name in APP_SERVICES)


def test_every_long_running_service_has_a_health_check(services):
    for name, service in services.items():
        if name == "migrate":
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name} has no health check"


def test_python_health_checks_are_valid_python(services):
    checked = []
    for name, service in services.items():
        test = service.get("healthcheck", {}).get("test") or []
        if list(test[:3]) == ["CMD", "python", "-c"]:
            compile(test[3], f"<{name} healthcheck>", "exec")  # a SyntaxError fails the test
            checked.append(name)
    assert checked, "no service has a python health check, so this test would check nothing"


def test_migrate_runs_once_before_the_app_starts(services):
    assert command_of(services["migrate"])[:3] == ["python", "manage.py", "migrate"]
    assert services["migrate"].get("restart", "no") == "no"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"


def test_manage_py_commands_in_the_stack_exist(services):
    commands = get_commands()
    for name, service in services.items():
        argv = command_of(service)
        if argv[:2] == ["python", "manage.py"]:
            assert argv[2] in commands, f"{name}: manage.py {argv[2]} does not exist"


def test_gunicorn_serves_the_project_wsgi_application_with_an_existing_config(services):
    argv = command_of(services["web"])
    assert argv[0] == "gunicorn"
    module, _, attribute = argv[1].partition(":")
    assert hasattr(importlib.import_module(module), attribute or "application")
    config_file = ROOT / argv[argv.index("--config") + 1]
    namespace: dict = {}
    exec(compile(config_file.read_text(encoding="utf-8"), str(config_file), "exec"), namespace)
    assert namespace["bind"].endswith(":8000")
    assert namespace["workers"] >= 1


def test_celery_services_use_the_project_celery_app(services):
    config = importlib.import_module("config")
    assert config.celery_app.main == "junheng"
    assert "config.ping" in config.celery_app.tasks
    assert command_of(services["worker"])[:4] == ["celery", "-A", "config", "worker"]


def test_named_volumes_keep_the_database_and_uploaded_files(compose, services):
    assert {"db", "media"} <= set(compose["volumes"])
    assert any(volume.startswith("db:") for volume in services["db"]["volumes"])
    for name in ("web", "worker"):
        assert any(volume.startswith("media:") for volume in services[name]["volumes"])


def test_dockerfile_builds_a_slim_non_root_image_with_static_files_collected():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in {"root", "0"}
    assert "collectstatic" in dockerfile
    assert "whitenoise" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_env_example_names_every_variable_the_stack_requires(services):
    example = env_example()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL", "POSTGRES_PASSWORD"):
        assert example.get(name), f".env.example lacks {name}"
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")))
    assert required <= set(example)
    # The password in DATABASE_URL is the one the db service is created with.
    assert f":{example['POSTGRES_PASSWORD']}@db:" in example["DATABASE_URL"]


def test_production_settings_load_from_env_example_and_refuse_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env |= env_example() | {"DJANGO_SETTINGS_MODULE": "config.settings.production"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "False"

    del env["SECRET_KEY"]
    refused = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
