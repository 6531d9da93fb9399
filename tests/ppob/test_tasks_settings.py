"""PPOB's Celery tasks are registered and beat names them; they run as plain calls too.
Production has no provider by default and no Digiflazz credentials without the
environment."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from ppob.models import (
    DepositSnapshot,
    Product,
    Purchase,
    PurchaseStatus,
    Settlement,
    SettlementLine,
)
from ppob.tasks import (
    catalogue_sync_task,
    deposit_refresh_task,
    purchase_check_task,
    purchase_money_settle_task,
    purchase_submit_task,
    settlements_close_task,
)
from tests.ppob.helpers import buy, fresh

ROOT = Path(__file__).resolve().parents[2]


def test_every_ppob_beat_entry_names_a_registered_task():
    from federation.celery import app

    app.loader.import_default_modules()
    entries = {k: v for k, v in settings.CELERY_BEAT_SCHEDULE.items() if k.startswith("ppob-")}
    assert set(entries) == {
        "ppob-reconcile",
        "ppob-deposit-refresh",
        "ppob-catalogue-sync",
        "ppob-settlements-close",
    }
    for entry in entries.values():
        assert entry["task"] in app.tasks
    for name in ("ppob.tasks.purchase_submit", "ppob.tasks.purchase_check"):
        assert name in app.tasks


@pytest.mark.django_db
def test_the_tasks_run_as_plain_calls(shop, account):
    assert catalogue_sync_task() == Product.objects.filter(provider="sandbox").count()
    before = DepositSnapshot.objects.count()
    assert deposit_refresh_task() == "50000000.00"
    assert DepositSnapshot.objects.count() == before + 1

    purchase = buy(shop, account).purchase
    assert purchase_submit_task(purchase_id=purchase.pk) == "success"
    assert purchase_check_task(purchase_id=purchase.pk) == "final"
    assert purchase_money_settle_task(purchase_id=purchase.pk) == PurchaseStatus.SUCCESS

    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    SettlementLine.objects.filter(purchase=purchase).update(period=last_month.replace(day=1))
    assert settlements_close_task() == 1
    assert Settlement.objects.get(cooperative=shop).purchases == 1
    assert fresh(purchase).status == PurchaseStatus.SUCCESS
    assert Purchase.objects.count() == 1


def _settings_in(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; sys.path[:0] = ['platform', '.'];"
        "import federation.settings as s; print(repr(s.PPOB_PROVIDER))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PPOB_", "DJANGO_ENV"))}
    production = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": "postgresql://u:p@db.example.org/koperasi",
        "REDIS_URL": "redis://cache.example.org:6379/0",
        "MEMBER_DATA_KEYS": "ZmFrZS1rZXktZm9yLXNldHRpbmdzLXRlc3RzLW9ubHk9",
        "MEMBER_LOOKUP_KEY": "l" * 40,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **production, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_has_ppob_off_by_default():
    result = _settings_in({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "''"


@pytest.mark.parametrize(
    "missing", ["PPOB_DIGIFLAZZ_USERNAME", "PPOB_DIGIFLAZZ_KEY", "PPOB_DIGIFLAZZ_WEBHOOK_SECRET"]
)
def test_production_digiflazz_needs_its_credentials(missing):
    creds = {
        "PPOB_PROVIDER": "digiflazz",
        "PPOB_DIGIFLAZZ_USERNAME": "kop",
        "PPOB_DIGIFLAZZ_KEY": "k",
        "PPOB_DIGIFLAZZ_WEBHOOK_SECRET": "s",
    }
    creds.pop(missing)
    result = _settings_in(creds)
    assert result.returncode != 0 and f"{missing} must be set in production" in result.stderr


def test_an_unknown_provider_is_refused():
    result = _settings_in({"PPOB_PROVIDER": "tokopedia"})
    assert result.returncode != 0 and "PPOB_PROVIDER must be" in result.stderr


@pytest.mark.django_db
def test_the_sync_command(shop):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ppob_sync", stdout=out)
    assert out.getvalue().startswith("sandbox: 28 SKUs (0 new")
    assert "deposit 50000000.00" in out.getvalue()
