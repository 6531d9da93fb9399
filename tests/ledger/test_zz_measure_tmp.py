import time
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from tenants.ledger.chain import chain_publish_day, chain_seal_pending
from tenants.ledger.periods import business_today
from tenants.ledger.posting import journal_post
from tenants.ledger.verify import ledger_verify
from tenants.models import JournalEntry
from tests.ledger.conftest import KAS, SUKARELA, D, wib


def lines(i):
    a = D(f"{1000 + i}.50")
    return [(KAS, a, D(0), ""), (SUKARELA, D(0), a, f"A-{i % 500:03d}")]


@pytest.mark.django_db(transaction=True)
def test_measure(alpha, settings, monkeypatch):
    out = []
    with tenant_context(alpha):
        today = business_today()
        settings.LEDGER_SEAL_ON_COMMIT = False
        days, per_day, k, seal_time, post_time = 8, 1000, 0, 0.0, 0.0
        for d in range(days, 0, -1):
            t = time.perf_counter()
            for _ in range(per_day):
                journal_post(actor=None, entry_date=today, description=f"Transaksi {k}", lines=lines(k), idempotency_key=f"m3-{k}")
                k += 1
            post_time += time.perf_counter() - t
            monkeypatch.setattr("tenants.ledger.chain.seal_clock", lambda d=d: wib(today - timedelta(days=d)))
            t = time.perf_counter()
            chain_seal_pending()
            seal_time += time.perf_counter() - t
        out.append(f"journal_post alone (seal off): {k} in {post_time:.2f}s = {k/post_time:.0f}/s")
        out.append(f"chain_seal_pending: {k} in {seal_time:.2f}s = {k/seal_time:.0f}/s")
        monkeypatch.undo()
        settings.LEDGER_SEAL_ON_COMMIT = True
        n = 1000
        t = time.perf_counter()
        for i in range(n):
            journal_post(actor=None, entry_date=today, description=f"Setoran {i}", lines=lines(i), idempotency_key=f"m1-{i}")
        dt = time.perf_counter() - t
        out.append(f"journal_post + on_commit seal: {n} in {dt:.2f}s = {n/dt:.0f}/s")
        assert not JournalEntry.objects.filter(seq__isnull=True).exists()
        settings.LEDGER_SEAL_ON_COMMIT = False
        for i in range(n):
            journal_post(actor=None, entry_date=today, description=f"Setoran {i}", lines=lines(i), idempotency_key=f"m2-{i}")
        chain_seal_pending()
        t = time.perf_counter()
        chain_publish_day(cooperative=alpha, day=today - timedelta(days=1))
        out.append(f"publish 8 days (8000 entries): {time.perf_counter() - t:.3f}s")
        assert JournalEntry.objects.count() == 10000
    t = time.perf_counter()
    report = ledger_verify(alpha)
    dt = time.perf_counter() - t
    out.append(f"verify {report.entries_checked} entries, {report.days_checked} days: {dt:.2f}s ok={report.ok}")
    print("\n" + "\n".join(out))


@pytest.mark.django_db(transaction=True)
def test_measure_concurrent(alpha):
    import threading
    from django.db import connection
    errors = []
    def worker(n):
        try:
            connection.set_tenant(alpha)
            for i in range(200):
                journal_post(actor=None, entry_date=business_today(), description="c", lines=lines(i), idempotency_key=f"c-{n}-{i}")
        except Exception as e:
            errors.append(e)
        finally:
            connection.close()
    ts = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    t = time.perf_counter()
    for x in ts: x.start()
    for x in ts: x.join()
    dt = time.perf_counter() - t
    assert not errors
    with tenant_context(alpha):
        unsealed = JournalEntry.objects.filter(seq__isnull=True).count()
    print(f"\n6 threads x 200 same accounts + on_commit seal: {1200/dt:.0f}/s, unsealed after: {unsealed}")
