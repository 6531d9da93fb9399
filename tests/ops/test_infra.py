"""The deployment files in infra/ stay in step with the code."""

from __future__ import annotations

import re
import runpy
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
SETTINGS = ROOT / "platform" / "federation" / "settings.py"


def settings_variables() -> set[str]:
    source = SETTINGS.read_text()
    return set(re.findall(r'(?:env(?:\.\w+)?|_required)\(\s*"([A-Z][A-Z0-9_]*)"', source))


def test_env_example_lists_every_setting_read_from_the_environment():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (INFRA / "env.example").read_text(), re.M))
    missing = settings_variables() - listed
    assert not missing, f"add these to infra/env.example: {sorted(missing)}"
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_VISIBILITY_TIMEOUT"} <= listed


def test_env_example_is_read_by_the_scripts_without_running_it():
    # given: a value with shell syntax in it, which sourcing the file would execute
    script = (
        f'. "{INFRA / "backup" / "lib.sh"}"; load_env_file; '
        'printf "%s|%s|%s" "$DJANGO_ENV" "$PLATFORM_DOMAIN" "${TEST_DB_NAME-unset}"'
    )
    result = subprocess.run(
        ["bash", "-c", script],
        env={"KOPERASI_ENV_FILE": str(INFRA / "env.example"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == "production|koperasi.example.id|unset"


def test_env_file_values_are_not_executed(tmp_path: Path):
    env_file = tmp_path / "koperasi.env"
    marker = tmp_path / "ran"
    env_file.write_text(f"DATABASE_URL=postgresql://h/db?a=1&touch {marker}\nX='quoted'\n")
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'. "{INFRA / "backup" / "lib.sh"}"; load_env_file; echo "$DATABASE_URL|$X"',
        ],
        env={"KOPERASI_ENV_FILE": str(env_file), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"postgresql://h/db?a=1&touch {marker}|quoted"
    assert not marker.exists()


@pytest.mark.parametrize(
    "script", [*sorted((INFRA / "backup").glob("*.sh")), INFRA / "manage.sh"], ids=lambda p: p.name
)
def test_backup_scripts_parse(script: Path):
    subprocess.run(["bash", "-n", str(script)], check=True)


def test_gunicorn_config_is_valid_gunicorn_settings(monkeypatch: pytest.MonkeyPatch):
    from gunicorn.config import Config

    monkeypatch.setenv("KOPERASI_APP_DIR", str(ROOT))
    config = Config()
    namespace = runpy.run_path(str(INFRA / "gunicorn.conf.py"))
    names = {k for k in namespace if not k.startswith("_") and k.islower()} - {
        "multiprocessing",
        "os",
    }
    unknown = names - set(config.settings)
    assert not unknown, f"not gunicorn settings (typos?): {unknown}"
    for name in names:
        config.set(name, namespace[name])
    assert config.worker_class_str == "gthread"
    assert config.wsgi_app == "federation.wsgi:application"
    assert "%(U)s" in config.access_log_format, "no query strings (personal data) in the log"


@pytest.mark.parametrize("unit", ["koperasi-web", "koperasi-worker", "koperasi-beat"])
def test_services_read_the_env_file(unit: str):
    text = (INFRA / "systemd" / f"{unit}.service").read_text()
    assert "EnvironmentFile=/etc/koperasi/koperasi.env" in text
    assert "User=koperasi" in text


def test_nginx_serves_both_hosts_and_passes_the_client_on():
    site = (INFRA / "nginx" / "koperasi.conf").read_text()
    proxy = (INFRA / "nginx" / "koperasi-proxy.conf").read_text()
    assert "server_name koperasi.example.id *.koperasi.example.id;" in site
    assert "client_max_body_size" in site and "gzip on;" in site and "location /static/" in site
    assert "proxy_set_header X-Real-IP $remote_addr;" in proxy
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy


def test_manage_sh_runs_manage_py_with_the_env_file(tmp_path: Path):
    from django.conf import settings

    env_file = tmp_path / "koperasi.env"
    env_file.write_text(
        "DJANGO_ENV=test\n"
        f"DATABASE_URL=postgresql://postgres@/koperasi?host={settings.DATABASES['default']['HOST']}\n"
        f"REDIS_URL={settings.REDIS_URL}\n"
    )
    result = subprocess.run(
        [str(INFRA / "manage.sh"), "check"],
        env={"KOPERASI_ENV_FILE": str(env_file), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_database_url_of_a_socket_directory():
    from tests.ops.conftest import database_url

    url = database_url({"USER": "postgres", "HOST": "/run/pg", "NAME": "test_x"})
    assert url == "postgresql://postgres@/test_x?host=%2Frun%2Fpg"
    assert database_url(
        {"USER": "u", "PASSWORD": "p w", "HOST": "db", "PORT": 5433, "NAME": "k"}
    ) == ("postgresql://u:p%20w@db:5433/k")
