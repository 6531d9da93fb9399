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
from dataclasses import dataclass
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
from tenants.members.services import (
    MemberAddress,
    MemberInput,
    member_register,
    members_register_many,
)
from tenants.models import Member, MemberKind, SavingsAccount, SavingsTransaction, Sex
from tenants.savings.collective import (
    CollectiveItem,
    savings_accounts_open_many,
    savings_deposit_collective,
)
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


def accounts_make(coop: Cooperative, count: int, first: int, clients: int = 1) -> list[int]:
    """``count`` active members with a sukarela account each, made with the bulk services
    (members_register_many, savings_accounts_open_many); the accounts' ids."""
    connection.set_tenant(coop)
    try:
        with transaction.atomic():
            members = members_register_many(
                actor=None,
                people=[
                    MemberInput(
                        full_name=f"Anggota Bench {number}",
                        nik=nik(number),
                        kk_number=KK,
                        birth_place="Bandung",
                        birth_date=birth_date(number),
                        sex=Sex.MALE,
                        address=MEMBER_ADDRESS,
                        kind=MemberKind.BIASA,
                        join_date=date(2020, 1, 2),
                    )
                    for number in range(first, first + count)
                ],
            )
            product = savings_product_get("sukarela")
            assert product is not None
            accounts = savings_accounts_open_many(actor=None, members=members, product=product)
    finally:
        connection.set_schema_to_public()
    return sorted(a.pk for a in accounts)


def month_of_history(
    coop: Cooperative, account_ids: list[int], year: int, month: int, clients: int
) -> int:
    """Per account: a deposit on the month's 1st to 5th and another around the 15th, as
    collective deposits dated on their day (savings_deposit_collective with occurred_at),
    then a withdrawal near the month's end for every tenth account, through
    savings_withdraw in ``clients`` threads and dated back. Returns the number of savings
    transactions."""
    connection.set_tenant(coop)
    made = 0
    try:
        accounts = list(SavingsAccount.objects.filter(pk__in=account_ids).order_by("pk"))
        for label, first_day, days, base, step in (
            ("early", 1, 5, 100_000, 10_000),
            ("mid", 12, 7, 50_000, 5_000),
        ):
            for offset in range(days):
                items = [
                    CollectiveItem(account, Decimal(base + (index % 50) * step))
                    for index, account in enumerate(accounts)
                    if index % days == offset
                ]
                if items:
                    made += len(
                        savings_deposit_collective(
                            actor=None,
                            items=items,
                            idempotency_key=f"hist-{year}{month:02d}-{label}-{offset}",
                            description="Setoran bench",
                            occurred_at=wib(date(year, month, first_day + offset), 9),
                        )
                    )
    finally:
        connection.set_schema_to_public()
    leavers = account_ids[::10]
    counter = [0]
    lock = threading.Lock()

    def work(client: int) -> None:
        n = 0
        for index in range(client, len(leavers), clients):
            account = SavingsAccount.objects.get(pk=leavers[index])
            amount = Decimal(20_000 + (index % 3) * 5_000)
            day = date(year, month, 24 + index % 4)
            tx = _move(account, -amount, f"hist-{account.pk}-{day.isoformat()}")
            SavingsTransaction.objects.filter(pk=tx.pk).update(created_at=wib(day, 9 + n % 8))
            n += 1
        with lock:
            counter[0] += n

    errors = in_threads(coop, clients, work)
    if errors:
        raise errors[0]
    return made + counter[0]


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


# The verify part's cooperative: LEDGER_PER_DAY entries per business day, made in SQL on
# the server and sealed by the real chain code with the clock moved back to their day.
LEDGER_PER_DAY = 1_000
LEDGER_BATCH = 50_000  # entries per transaction when making them
_DAY_OPENS = day_time(7)
_DAY_SPAN_US = 10 * 3600 * 1_000_000  # entries of a day are made from 07:00 to 17:00 WIB
# Four shapes of entry, by entry number % 4: (shape, line, account code, side, amount
# part, carries the member number). Part a is the main amount, b a small second one. No
# account with a subledger (savings, loans), so nothing outside the ledger disagrees.
LEDGER_SHAPES = (
    (0, 1, "1101", "D", "a", False),  # administration fee paid in cash
    (0, 2, "4102", "C", "a", True),
    (1, 1, "5202", "D", "a", False),  # operating expense paid from the bank
    (1, 2, "1102", "C", "a", False),
    (2, 1, "1101", "D", "ab", False),  # loan interest and a late penalty paid in cash
    (2, 2, "4101", "C", "a", True),
    (2, 3, "4104", "C", "b", True),
    (3, 1, "1102", "D", "a", False),  # cash taken to the bank
    (3, 2, "1101", "C", "a", False),
)


@dataclass(frozen=True)
class LedgerCalendar:
    """Where entry number n (0-based) of the verify cooperative falls: its business day
    and creation time. ``first_day`` is chosen so the last entry falls on yesterday, the
    newest day that can be published."""

    first_day: date
    per_day: int = LEDGER_PER_DAY

    @classmethod
    def ending_yesterday(cls, entries: int, per_day: int = LEDGER_PER_DAY) -> LedgerCalendar:
        days = -(-entries // per_day)
        return cls(business_today() - timedelta(days=days), per_day)

    @property
    def step_us(self) -> int:
        return _DAY_SPAN_US // self.per_day

    def day_of(self, number: int) -> date:
        return self.first_day + timedelta(days=number // self.per_day)

    def created_at(self, number: int) -> datetime:
        start = datetime.combine(self.day_of(number), _DAY_OPENS, tzinfo=WIB)
        return start + timedelta(microseconds=number % self.per_day * self.step_us)


def ledger_make(coop: Cooperative, calendar: LedgerCalendar, first: int, count: int) -> float:
    """Entries number ``first`` to ``first + count - 1``: balanced entries of two or three
    lines in four shapes (LEDGER_SHAPES), dated and stamped by ``calendar``, with the
    account balances moved by the totals of their postings. The seconds it took.

    Made by INSERT ... SELECT generate_series on the server, LEDGER_BATCH entries per
    transaction, with every trigger of the ledger on: each entry's lines arrive in the same
    statement (the posting insert check runs once per statement over all its lines) and the
    deferred balanced-entry check runs for every entry at commit. Entry ids are taken from
    the table's own sequence. Nothing else differs from journal_post's rows: no audit rows
    and no idempotency look-ups. The entries are left unsealed."""
    started = time.perf_counter()
    connection.set_tenant(coop)
    shapes = _shapes_sql()
    with connection.cursor() as cur:
        cur.execute("SELECT code, id FROM ledger_account")
        ids = dict(cur.fetchall())
        cur.execute(
            "SELECT setval(s, nextval(s) + %s - 1) FROM "
            "pg_get_serial_sequence('ledger_journalentry', 'id') s",
            [count],
        )
        base = cur.fetchone()[0] - count + 1 - first  # entry number n gets id base + n
        params = {
            "base": base,
            "first_day": calendar.first_day,
            "per_day": calendar.per_day,
            "step_us": calendar.step_us,
            **{f"a{code}": pk for code, pk in ids.items()},
        }
        for low in range(first, first + count, LEDGER_BATCH):
            high = min(low + LEDGER_BATCH, first + count) - 1
            with transaction.atomic():  # the deferred balanced-entry check runs at commit
                cur.execute(_ENTRIES_SQL, {**params, "low": low, "high": high})
                # Every line of the batch in one statement: the trigger checks each entry.
                cur.execute(_POSTINGS_SQL % shapes, {**params, "low": low, "high": high})
                cur.execute(_BALANCES_SQL, {"low": base + low, "high": base + high})
    connection.set_schema_to_public()
    return time.perf_counter() - started


def _shapes_sql() -> str:
    rows = [
        f"({shape}, {line}, %(a{code})s::bigint, '{side}', '{part}', {str(member).lower()})"
        for shape, line, code, side, part, member in LEDGER_SHAPES
    ]
    return ", ".join(rows)


_DESCRIPTION = (
    "CASE g %% 4 "
    "WHEN 0 THEN 'Biaya administrasi anggota A-' || lpad((g %% 4999)::text, 5, '0') "
    "WHEN 1 THEN 'Beban operasional kantor, nota ' || (g %% 100000) "
    "WHEN 2 THEN 'Jasa pinjaman dan denda anggota A-' || lpad((g %% 4999)::text, 5, '0') "
    "ELSE 'Setor kas ke bank, slip ' || (g %% 100000) END"
)
_ENTRIES_SQL = (
    "INSERT INTO ledger_journalentry (id, entry_date, description, kind, idempotency_key, "
    "request_digest, created_by_id, created_at) "
    "SELECT %(base)s + g, %(first_day)s::date + g / %(per_day)s, "
    f"{_DESCRIPTION}, 'manual', 'bench-ledger-' || g, md5(g::text) || md5((-g)::text), "
    "1 + g %% 7, ((%(first_day)s::date + g / %(per_day)s) + time '07:00' "
    "+ (g %% %(per_day)s) * (%(step_us)s * interval '1 microsecond')) "
    "AT TIME ZONE 'Asia/Jakarta' "
    "FROM generate_series(%(low)s, %(high)s) g"
)
# The lines' amounts: part a = 5,000 to 2,004,999, part b = 1,000 to 25,500, ab = a + b.
_POSTINGS_SQL = (
    "INSERT INTO ledger_posting (entry_id, line_no, account_id, debit, credit, member_ref) "
    "SELECT %%(base)s + g, l.line_no, l.account_id, "
    "CASE WHEN l.side = 'D' THEN v.amount ELSE 0 END, "
    "CASE WHEN l.side = 'C' THEN v.amount ELSE 0 END, "
    "CASE WHEN l.member THEN 'A-' || lpad((g %%%% 4999)::text, 5, '0') ELSE '' END "
    "FROM generate_series(%%(low)s, %%(high)s) g "
    "JOIN (VALUES %s) l(shape, line_no, account_id, side, part, member) ON l.shape = g %%%% 4 "
    "CROSS JOIN LATERAL (SELECT (CASE WHEN l.part <> 'b' THEN 5000 + g::bigint * 7919 %%%% 2000000 "
    "ELSE 0 END + CASE WHEN l.part <> 'a' THEN 1000 + g %%%% 50 * 500 ELSE 0 END)::numeric "
    "AS amount) v "
    "ORDER BY 1, 2"
)
# The balances move by exactly what was just posted, read back from the postings.
_BALANCES_SQL = (
    "UPDATE ledger_accountbalance b SET debit_total = b.debit_total + p.debit, "
    "credit_total = b.credit_total + p.credit FROM (SELECT account_id, sum(debit) AS debit, "
    "sum(credit) AS credit FROM ledger_posting WHERE entry_id BETWEEN %(low)s AND %(high)s "
    "GROUP BY account_id) p WHERE b.account_id = p.account_id"
)


class SealClock:
    """seal_clock for chain_seal_pending(batch_size=...) over entries ``first`` to
    ``first + count - 1`` of ``calendar``, all unsealed and nothing else pending: the
    n-th batch is sealed one second after the creation of its last entry, on that entry's
    business day. Only the clock is replaced (as tests/ledger's seal_at does); the sealing
    is the real code."""

    def __init__(self, calendar: LedgerCalendar, first: int, count: int, batch: int) -> None:
        if calendar.per_day % batch:
            raise ValueError("a day's entries must fill whole sealing batches")
        self.calendar, self.first, self.end, self.batch = calendar, first, first + count, batch
        self.calls = 0

    def __call__(self) -> datetime:
        last = min(self.first + (self.calls + 1) * self.batch, self.end) - 1
        self.calls += 1
        return self.calendar.created_at(last) + timedelta(seconds=1)
