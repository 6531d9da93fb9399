"""Argon2 hashes passwords everywhere but in the test suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ENV": "development"},
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "example.test",
            "MEMBER_DATA_KEYS": "ZmFrZS1rZXktZm9yLXNldHRpbmdzLXRlc3RzLW9ubHk9",
            "MEMBER_LOOKUP_KEY": "l" * 40,
        },
    ],
    ids=["development", "production"],
)
def test_argon2_is_the_first_hasher_outside_tests(env):
    code = (
        "import sys; sys.path[:0] = ['platform', '.'];"
        "import federation.settings as s; print(s.PASSWORD_HASHERS[0])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "TEST_DB_NAME"}}
    clean.update(
        DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
        REDIS_URL="redis://127.0.0.1:1/0",
        SENTRY_DSN="",
        **env,
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"
