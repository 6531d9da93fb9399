"""Settings refuse an unsafe production start; money is Decimal and shown as Rp 1.250.000."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from money.rupiah import MoneyError, format_rupiah, round_rupiah, to_decimal

ROOT = Path(__file__).resolve().parents[1]
# Members' personal-data keys (tenants.members.crypto): no default in production.
MEMBER_KEYS = {
    "MEMBER_DATA_KEYS": "ZmFrZS1rZXktZm9yLXNldHRpbmdzLXRlc3RzLW9ubHk9",
    "MEMBER_LOOKUP_KEY": "l" * 40,
}


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; sys.path[:0] = ['platform', '.'];"
        "import federation.settings as s;"
        "print(s.PASSWORD_HASHERS[0]); print(s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ENV",
            "MEMBER_DATA_KEYS",
            "MEMBER_LOOKUP_KEY",
        }
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "missing",
    ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "MEMBER_DATA_KEYS", "MEMBER_LOOKUP_KEY"],
)
def test_production_refuses_to_start_without_its_essentials(missing):
    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgresql://u:p@db.example.org/koperasi",
        "REDIS_URL": "redis://cache.example.org:6379/0",
        **MEMBER_KEYS,
    }
    env.pop(missing)
    result = _load_settings(env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_refuses_a_database_that_is_not_postgresql():
    result = _load_settings(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "sqlite:///tmp/x.db",
            "REDIS_URL": "redis://localhost:6379/0",
            **MEMBER_KEYS,
        }
    )
    assert result.returncode != 0
    assert "real PostgreSQL" in result.stderr


def test_production_uses_argon2_indonesian_and_jakarta_time():
    result = _load_settings(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgresql://u:p@db.example.org/koperasi",
            "REDIS_URL": "redis://cache.example.org:6379/0",
            **MEMBER_KEYS,
        }
    )
    assert result.returncode == 0, result.stderr
    first_hasher, locale_line = result.stdout.strip().splitlines()[-2:]
    assert first_hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert locale_line == "id Asia/Jakarta"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("1250000"), "Rp 1.250.000"),
        (Decimal("0"), "Rp 0"),
        ("999", "Rp 999"),
        (Decimal("-25000"), "-Rp 25.000"),
        (Decimal("1250.50"), "Rp 1.250,50"),
        (10_000_000_000, "Rp 10.000.000.000"),
    ],
)
def test_rupiah_is_shown_the_indonesian_way(amount, shown):
    assert format_rupiah(amount) == shown


def test_floats_are_refused_as_money():
    with pytest.raises(MoneyError):
        to_decimal(0.1)
    with pytest.raises(MoneyError):
        to_decimal("sepuluh")
    with pytest.raises(MoneyError):
        to_decimal("NaN")


def test_rounding_is_to_the_rupiah_half_up_or_down_for_shares():
    assert round_rupiah(Decimal("470734.5")) == Decimal("470735")
    assert round_rupiah(Decimal("1239999.99"), down=True) == Decimal("1239999")
