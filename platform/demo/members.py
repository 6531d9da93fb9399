"""Demo members with a year of savings history, through the real services (so every rupiah
is in the ledger and every member's balances add up to it).

Per cooperative: members registered at once (members_register_many), their opening
balances a year ago, then month by month the wajib dues collected by payroll deduction
(savings_deposit_collective, some members missing months so arrears show), sukarela
deposits by part of the members, and the month's jasa on sukarela (jasa_post_month).
Today a few withdrawals at the counter (savings_withdraw). The numbers are random but
seeded by the cooperative's slug, so every load gives the same federation.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django_tenants.utils import tenant_context
from identity.models import User
from registry.models import Cooperative

from tenants.interest.jasa import jasa_post_month
from tenants.ledger.periods import BUSINESS_TZ, business_today
from tenants.members.services import MemberAddress, MemberInput, members_register_many
from tenants.models import Member, MemberKind, SavingsAccount, Sex
from tenants.savings.collective import (
    CollectiveItem,
    savings_accounts_open_many,
    savings_deposit_collective,
)
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_withdraw

FIRST_NAMES = [
    "Sri", "Budi", "Siti", "Agus", "Dewi", "Joko", "Wahyuni", "Slamet", "Rina", "Bambang",
    "Tri", "Eko", "Endang", "Heru", "Yuli", "Sugeng", "Nur", "Darmini", "Wiwik", "Sutrisno",
]  # fmt: skip
LAST_NAMES = [
    "Rahayu", "Santoso", "Lestari", "Wibowo", "Handayani", "Purnomo", "Susanti", "Setiawan",
    "Wulandari", "Nugroho", "Kurniawati", "Prasetyo", "Maryati", "Hidayat",
]  # fmt: skip
PREFIXES = ["12", "13", "52", "57", "77", "95"]
WAJIB = Decimal("25000")
POKOK = Decimal("300000")
WITHDRAWALS_TODAY = 5


@dataclass(frozen=True)
class DemoSize:
    members: int
    months: int


def _nik(district_code: int, birth: date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"3404{district_code:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BUSINESS_TZ)


def _people(
    rng: random.Random, count: int, *, district_code: int, address: MemberAddress, start: date
) -> list[MemberInput]:
    people = []
    for index in range(count):
        sex = Sex.FEMALE if rng.random() < 0.52 else Sex.MALE
        birth = date(1945 + rng.randrange(60), 1 + rng.randrange(12), 1 + rng.randrange(28))
        joined = start - timedelta(days=rng.randrange(30, 3650))
        adult = date(birth.year + 17, birth.month, birth.day)
        people.append(
            MemberInput(
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                # serial 1..9999 per (district, birth date): the index keeps them unique
                nik=_nik(district_code, birth, sex, 1 + index % 9999),
                kk_number=f"3404{district_code:02d}0101{index + 1:06d}",
                birth_place=rng.choice(["Sleman", "Yogyakarta", "Bantul", "Klaten", "Magelang"]),
                birth_date=birth,
                sex=sex,
                address=address,
                kind=MemberKind.BIASA if joined >= adult else MemberKind.LUAR_BIASA,
                phone=f"08{rng.choice(PREFIXES)}{rng.randrange(10**7, 10**8)}",
                join_date=max(joined, birth + timedelta(days=1)),
            )
        )
    return people


def demo_members_load(
    cooperative: Cooperative,
    *,
    district_code: int,
    kecamatan: str,
    desa: str,
    size: DemoSize,
) -> int:
    """``size.members`` members (the first is the demo login anggota.<slug>) with
    ``size.months`` months of savings history. Idempotent: a cooperative that has members
    is left alone."""
    login = User.objects.filter(username=f"anggota.{cooperative.slug}").first()
    rng = random.Random(cooperative.slug)  # noqa: S311 (demo data, not secrets)
    with tenant_context(cooperative):
        if Member.objects.exists():
            return 0
        today = business_today()
        start = _month_start(today, size.months)
        address = MemberAddress(
            desa=desa,
            kecamatan=kecamatan,
            kabupaten="Kabupaten Sleman",
            provinsi="Daerah Istimewa Yogyakarta",
            rt=str(1 + rng.randrange(9)),
            rw=str(1 + rng.randrange(12)),
            postal_code="55511",
        )
        people = _people(
            rng, size.members, district_code=district_code, address=address, start=start
        )
        if login is not None:
            first = people[0]
            people[0] = MemberInput(**{**first.__dict__, "user_id": login.pk})
        members = members_register_many(actor=None, people=people, reason="Data demo")
        accounts = {
            code: savings_accounts_open_many(actor=None, members=members, product=product)
            for code in ("pokok", "wajib", "sukarela")
            if (product := savings_product_get(code)) is not None
        }
        key = f"demo-{cooperative.slug}"
        opening = _at(start, 8)
        for code, amounts in (
            ("pokok", lambda: POKOK),
            ("wajib", lambda: WAJIB * rng.randrange(3, 60)),
            ("sukarela", lambda: Decimal(10000) * rng.randrange(5, 400)),
        ):
            savings_deposit_collective(
                actor=None,
                items=[CollectiveItem(a, amounts()) for a in accounts[code]],
                idempotency_key=f"{key}-open-{code}",
                description="Saldo awal (data demo)",
                occurred_at=opening,
            )
        for back in range(size.months, 0, -1):
            _month(rng, key, _month_start(today, back), accounts)
        _withdrawals_today(rng, key, accounts["sukarela"])
    return size.members


def _month(
    rng: random.Random, key: str, first_day: date, accounts: dict[str, list[SavingsAccount]]
) -> None:
    """One month: sukarela deposits on the 10th, wajib by payroll deduction on the 25th
    (about one member in twelve misses the month), then the month's jasa."""
    label = f"{first_day:%Y%m}"
    savers = [a for a in accounts["sukarela"] if rng.random() < 0.35]
    if savers:
        savings_deposit_collective(
            actor=None,
            items=[CollectiveItem(a, Decimal(5000) * rng.randrange(2, 100)) for a in savers],
            idempotency_key=f"{key}-{label}-sukarela",
            description=f"Setoran sukarela kolektif {first_day:%m/%Y}",
            occurred_at=_at(first_day.replace(day=10), 10),
        )
    payers = [a for a in accounts["wajib"] if rng.random() < 0.92]
    if payers:
        savings_deposit_collective(
            actor=None,
            items=[CollectiveItem(a, WAJIB) for a in payers],
            idempotency_key=f"{key}-{label}-wajib",
            description=f"Simpanan wajib potong gaji {first_day:%m/%Y}",
            occurred_at=_at(first_day.replace(day=25), 14),
        )
    jasa_post_month(actor=None, year=first_day.year, month=first_day.month)


def _withdrawals_today(rng: random.Random, key: str, sukarela: list[SavingsAccount]) -> None:
    for account in rng.sample(sukarela, min(WITHDRAWALS_TODAY, len(sukarela))):
        balance = SavingsAccount.objects.get(pk=account.pk).balance
        amount = (balance / 4).quantize(Decimal("1000")) if balance >= 4000 else Decimal(0)
        if amount > 0:
            savings_withdraw(
                actor=None,
                account=account,
                amount=amount,
                idempotency_key=f"{key}-withdraw-{account.pk}",
            )
