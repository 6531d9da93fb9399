"""Demo members with savings, through the real services (so every rupiah is in the ledger).

A small set per cooperative; the ~10,000-member demo of issue 3 is still to come."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django_tenants.utils import tenant_context
from identity.models import User
from registry.models import Cooperative

from tenants.members.services import MemberAddress, member_register
from tenants.models import Member, MemberKind, Sex
from tenants.savings.selectors import savings_product_get
from tenants.savings.services import savings_account_open, savings_deposit

FIRST_NAMES = [
    "Sri",
    "Budi",
    "Siti",
    "Agus",
    "Dewi",
    "Joko",
    "Wahyuni",
    "Slamet",
    "Rina",
    "Bambang",
]
LAST_NAMES = ["Rahayu", "Santoso", "Lestari", "Wibowo", "Handayani", "Purnomo", "Susanti"]
MEMBERS_PER_COOPERATIVE = 10


def _nik(district_code: int, birth: date, sex: str, serial: int) -> str:
    day = birth.day + (40 if sex == Sex.FEMALE else 0)
    return f"3404{district_code:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def demo_members_load(
    cooperative: Cooperative, *, district_code: int, kecamatan: str, desa: str
) -> int:
    """Ten members (the first is the demo login anggota.<slug>) with pokok, wajib and
    sukarela deposits. Idempotent: a cooperative that has members is left alone."""
    login = User.objects.filter(username=f"anggota.{cooperative.slug}").first()
    with tenant_context(cooperative):
        if Member.objects.exists():
            return 0
        pokok, wajib, sukarela = (
            savings_product_get(code) for code in ("pokok", "wajib", "sukarela")
        )
        address = MemberAddress(
            desa=desa,
            kecamatan=kecamatan,
            kabupaten="Kabupaten Sleman",
            provinsi="Daerah Istimewa Yogyakarta",
            rt="2",
            rw="5",
            postal_code="55511",
        )
        for index in range(MEMBERS_PER_COOPERATIVE):
            sex = Sex.FEMALE if index % 2 == 0 else Sex.MALE
            birth = date(1950 + (index * 3) % 40, 1 + index % 12, 1 + (index * 7) % 28)
            member = member_register(
                actor=None,
                full_name=f"{FIRST_NAMES[index % 10]} {LAST_NAMES[index % 7]}",
                nik=_nik(district_code, birth, sex, index + 1),
                kk_number=f"3404{district_code:02d}0101{index + 1:06d}",
                birth_place="Sleman",
                birth_date=birth,
                sex=sex,
                address=address,
                kind=MemberKind.BIASA,
                join_date=date(2026, 1, 5),
                status="active",
                user_id=login.pk if index == 0 and login else None,
            )
            key = f"demo:{cooperative.slug}:{member.member_number}"
            for product, amount, suffix in (
                (pokok, Decimal("300000"), "pokok"),
                (wajib, Decimal("25000") * (3 + index % 8), "wajib"),
                (sukarela, Decimal("50000") * (1 + index * 7 % 40), "sukarela"),
            ):
                assert product is not None
                account = savings_account_open(actor=None, member=member, product=product)
                savings_deposit(
                    actor=None, account=account, amount=amount, idempotency_key=f"{key}:{suffix}"
                )
    return MEMBERS_PER_COOPERATIVE
