"""`python -m embedded run`: the whole platform on one machine, as `make run` starts it.

Starts the embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set),
migrates, loads the demo federation the first time, then runs the web server, a Celery
worker and Celery beat until Ctrl-C, and stops everything cleanly.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from embedded.services import ensure_services, stop_services

ROOT = Path(__file__).resolve().parents[2]


def _env(var_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "federation.settings")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "platform"), str(ROOT), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    if "DATABASE_URL" not in env or "REDIS_URL" not in env:
        urls = ensure_services(var_dir)
        env.setdefault("DATABASE_URL", urls.database_url)
        env.setdefault("REDIS_URL", urls.redis_url)
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)


def run(port: int) -> int:
    var_dir = ROOT / "var" / "run"
    embedded = "DATABASE_URL" not in os.environ
    env = _env(var_dir)
    env.setdefault("PLATFORM_PORT", str(port))
    print("== migrating (public, template, every cooperative)", flush=True)
    _manage(env, "migrate", "--noinput")
    _manage(env, "demo_load", "--if-empty")
    procs = {
        "web": subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "runserver", f"0.0.0.0:{port}", "--noreload"],
            env=env,
        ),
        "worker": subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "federation",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "2",
                "-n",
                "worker@%h",
            ],
            env=env,
        ),
        "beat": subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "federation",
                "beat",
                "-l",
                "INFO",
                "--schedule",
                str(var_dir / "celerybeat-schedule"),
            ],
            env=env,
        ),
    }
    time.sleep(1.5)
    _manage(env, "demo_logins", "--port", str(port))
    stopping = False

    def _stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    code = 0
    while not stopping:
        for name, proc in procs.items():
            if proc.poll() is not None:
                print(f"== {name} exited with {proc.returncode}; stopping", flush=True)
                stopping, code = True, proc.returncode or 1
        time.sleep(0.5)
    print("\n== stopping web, worker and beat", flush=True)
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs.values():
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    if embedded:
        print("== stopping embedded PostgreSQL and Redis (data kept in var/run)", flush=True)
        stop_services(var_dir)
    return code


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m embedded")
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run the platform with demo data")
    p_run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    sub.add_parser("env", help="print DATABASE_URL and REDIS_URL of the embedded services")
    sub.add_parser("stop", help="stop the embedded services")
    args = parser.parse_args()
    if args.command == "run":
        return run(args.port)
    var_dir = ROOT / "var" / "run"
    if args.command == "env":
        urls = ensure_services(var_dir)
        print(f"DATABASE_URL={urls.database_url}\nREDIS_URL={urls.redis_url}")
        return 0
    stop_services(var_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
