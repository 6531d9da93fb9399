"""Making the books' benchmark data through the real services (Django is set up by
bench.books): cooperatives, members, savings accounts, deposits, journal entries.

Only one shortcut, the one the interest tests take: a savings transaction's created_at is
moved back after the service wrote it, because jasa and statements need past months and
the services stamp the current time. Balances, journal entries and postings are exactly
what the services wrote, so savings_balances_match_ledger() holds (bench.books checks it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as day_time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection as default_connection
from django.db import connections, transaction
from registry.models import Cooperative
from registry.services import CooperativeAddress, cooperative_create

from tenants.ledger.periods import business_today
from tenants.ledger.posting import Line, journal_post
from tenants.members.services import MemberAddress, member_register
from tenants.models import Member, MemberKind, SavingsAccount, SavingsTransaction, Sex
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit, savings_withdraw

# django-tenants' backend: set_tenant(), set_schema_to_public().
connection: Any = default_connection
WIB = ZoneInfo("Asia/Jakarta")
KK = "3273012501090003"
COOP_ADDRESS = CooperativeAddress(
    street="Jl. Raya 1", desa="Sukamaju", kecamatan="Cibeunying", kabupaten="Bandung"
)
MEMBER_ADDRESS = MemberAddress(
    street="Jl. Merdeka 10",
    rt="1",
    rw="04",
    desa="Sukamaju",
    kecamatan="Cibeunying",
    kabupaten="Kota Bandung",
    provinsi="Jawa Barat",
    postal_code="40121",
)


def cooperative_make(slug: str) -> Cooperative:
    connection.set_schema_to_public()
    coop = cooperative_create(
        actor=None,
        name=f"Koperasi {slug.replace('-', ' ').title()}",
        slug=slug,
        kind="simpan_pinjam",
        legal_entity_number=f"AHU-{slug.upper()}-0001",
        address=COOP_ADDRESS,
    )
    connection.set_schema_to_public()
    return coop


def nik(number: int) -> str:
    """A valid, unique NIK for member ``number`` (0-based): 9,999 serials per birth date."""
    birth = birth_date(number)
    return f"320101{birth.day:02d}{birth.month:02d}{birth.year % 100:02d}{number % 9999 + 1:04d}"


def birth_date(number: int) -> date:
    return date(1970, 1, 1) + timedelta(days=number // 9999)


def member_make(number: int) -> Member:
    return member_register(
        actor=None,
        full_name=f"Anggota Bench {number}",
        nik=nik(number),
        kk_number=KK,
        birth_place="Bandung",
        birth_date=birth_date(number),
        sex=Sex.MALE,
        address=MEMBER_ADDRESS,
        kind=MemberKind.BIASA,
        join_date=date(2020, 1, 2),
        status="active",
    )


def sukarela_open(member: Member) -> SavingsAccount:
    product = savings_product_get("sukarela")
    assert product is not None
    return savings_account_open(actor=None, member=member, product=product)


def wib(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, day_time(hour, minute), tzinfo=WIB)


def in_threads(coop: Cooperative, clients: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run work(client) in ``clients`` threads, each on its own connection in the
    cooperative's schema; the errors they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(clients)

    def run(client: int) -> None:
        try:
            connection.set_tenant(coop)
            start.wait()
            work(client)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def accounts_make(coop: Cooperative, count: int, first: int, clients: int) -> list[int]:
    """``count`` active members with a sukarela account each; the accounts' ids."""
    made: list[int] = []
    lock = threading.Lock()

    def work(client: int) -> None:
        mine = []
        for number in range(first + client, first + count, clients):
            mine.append(sukarela_open(member_make(number)).pk)
        with lock:
            made.extend(mine)

    errors = in_threads(coop, clients, work)
    if errors:
        raise errors[0]
    return sorted(made)


def month_of_history(
    coop: Cooperative, account_ids: list[int], year: int, month: int, clients: int
) -> int:
    """Per account: a deposit on the month's 1st to 5th, another around the 15th and a
    withdrawal near its end, through the services, then dated into that month. Returns
    the number of savings transactions."""
    counter = [0]
    lock = threading.Lock()

    def work(client: int) -> None:
        n = 0
        for index in range(client, len(account_ids), clients):
            account = SavingsAccount.objects.get(pk=account_ids[index])
            moves = [
                (Decimal(100_000 + (index % 50) * 10_000), date(year, month, 1 + index % 5)),
                (Decimal(50_000 + (index % 7) * 5_000), date(year, month, 12 + index % 7)),
                (-Decimal(20_000 + (index % 3) * 5_000), date(year, month, 24 + index % 4)),
            ]
            for amount, day in moves:
                tx = _move(account, amount, f"hist-{account.pk}-{day.isoformat()}")
                SavingsTransaction.objects.filter(pk=tx.pk).update(created_at=wib(day, 9 + n % 8))
                n += 1
        with lock:
            counter[0] += n

    errors = in_threads(coop, clients, work)
    if errors:
        raise errors[0]
    return counter[0]


def _move(account: SavingsAccount, amount: Decimal, key: str) -> SavingsTransaction:
    if amount > 0:
        return savings_deposit(actor=None, account=account, amount=amount, idempotency_key=key)
    return savings_withdraw(actor=None, account=account, amount=-amount, idempotency_key=key)


def years_of_history(account: SavingsAccount, months: int, per_month: int) -> int:
    """``months`` months ending last month, ``per_month`` transactions each (mostly
    deposits, every third a smaller withdrawal), through the services, then dated."""
    today = business_today()
    year, month = today.year, today.month
    made = 0
    for back in range(months, 0, -1):
        y, m = divmod((year * 12 + month - 1) - back, 12)
        m += 1
        for i in range(per_month):
            day = date(y, m, 1 + i * 27 // max(per_month, 1))
            amount = Decimal(30_000 + i * 1_000) if i % 3 else Decimal(250_000 + i * 1_000)
            signed = -amount if i % 3 == 1 else amount
            tx = _move(account, signed, f"stmt-{account.pk}-{y}-{m}-{i}")
            SavingsTransaction.objects.filter(pk=tx.pk).update(created_at=wib(day, 8 + i))
            made += 1
    return made


def entries_post(coop: Cooperative, count: int, clients: int, tag: str) -> float:
    """``count`` two-line journal entries through journal_post; the seconds it took."""

    def work(client: int) -> None:
        today = business_today()
        for n in range(client, count, clients):
            amount = Decimal(10_000 + n % 997)
            journal_post(
                actor=None,
                entry_date=today,
                description=f"Bench {tag} {n}",
                lines=[Line("1101", debit=amount), Line("5101", credit=amount)],
                idempotency_key=f"bench-{tag}-{n}",
                kind="manual",
            )

    started = time.perf_counter()
    errors = in_threads(coop, clients, work)
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return elapsed


def entries_bulk(coop: Cooperative, first: int, count: int, batch: int = 20_000) -> float:
    """``count`` balanced two-line entries (debit Kas, credit Beban Jasa Simpanan) by plain
    INSERTs, with the account balances moved by the same amounts, as journal_post writes
    them but without its per-entry round trips and audit rows. They are left unsealed for
    chain_seal_pending. The seconds it took."""
    started = time.perf_counter()
    connection.set_tenant(coop)
    today = business_today()
    with connection.cursor() as cur:
        cur.execute("SELECT code, id FROM ledger_account WHERE code IN ('1101', '5101')")
        ids = dict(cur.fetchall())
        for low in range(first, first + count, batch):
            high = min(low + batch, first + count) - 1
            with transaction.atomic():  # the balance trigger runs at commit
                cur.execute(
                    "INSERT INTO ledger_journalentry (entry_date, description, kind, "
                    "idempotency_key, request_digest, created_at) "
                    "SELECT %s, 'Bench ' || g, 'manual', 'bulk-' || g, "
                    "md5(g::text) || md5((-g)::text), now() FROM generate_series(%s, %s) g",
                    [today, low, high],
                )
                # Both lines in one statement: the posting trigger checks each statement.
                cur.execute(
                    "INSERT INTO ledger_posting (entry_id, line_no, account_id, debit, credit, "
                    "member_ref) SELECT e.id, l.line_no, l.account_id, "
                    "CASE WHEN l.line_no = 1 THEN e.amount ELSE 0 END, "
                    "CASE WHEN l.line_no = 2 THEN e.amount ELSE 0 END, '' FROM ("
                    "SELECT id, (10000 + split_part(idempotency_key, '-', 2)::int %% 997)::numeric "
                    "AS amount FROM ledger_journalentry WHERE idempotency_key LIKE 'bulk-%%' "
                    "AND split_part(idempotency_key, '-', 2)::int BETWEEN %s AND %s) e "
                    "CROSS JOIN (VALUES (1, %s::bigint), (2, %s::bigint)) l(line_no, account_id)",
                    [low, high, ids["1101"], ids["5101"]],
                )
                cur.execute(
                    "SELECT sum(10000 + g %% 997) FROM generate_series(%s, %s) g", [low, high]
                )
                total = cur.fetchone()[0]
                cur.execute(
                    "UPDATE ledger_accountbalance SET debit_total = debit_total + %s "
                    "WHERE account_id = %s",
                    [total, ids["1101"]],
                )
                cur.execute(
                    "UPDATE ledger_accountbalance SET credit_total = credit_total + %s "
                    "WHERE account_id = %s",
                    [total, ids["5101"]],
                )
    connection.set_schema_to_public()
    return time.perf_counter() - started
