"""What the demo federation is made of, and the function that loads it."""

from __future__ import annotations

import base64
import hashlib
import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, connections, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from identity.models import CooperativeRole, User
from registry.models import Cooperative, CooperativeKind
from registry.services import CooperativeAddress, cooperative_create

from demo.members import DemoSize, demo_members_load

DEMO_PASSWORD = "Koperasi-Demo-2026"
KABUPATEN = "Kabupaten Sleman"
PROVINSI = "Daerah Istimewa Yogyakarta"


@dataclass(frozen=True)
class DemoCooperative:
    slug: str
    name: str
    kind: str
    kecamatan: str
    desa: str


SECONDARY = DemoCooperative(
    "induk", "Koperasi Sekunder Gotong Royong Sleman", CooperativeKind.SEKUNDER, "Sleman", "Tridadi"
)
PRIMARIES = [
    DemoCooperative(
        "berbah", "KSP Tirta Makmur Berbah", CooperativeKind.SIMPAN_PINJAM, "Berbah", "Kalitirto"
    ),
    DemoCooperative(
        "cangkringan",
        "Koperasi Merapi Lestari Cangkringan",
        CooperativeKind.PRODUSEN,
        "Cangkringan",
        "Argomulyo",
    ),
    DemoCooperative(
        "depok", "KSP Mitra Warga Depok", CooperativeKind.SIMPAN_PINJAM, "Depok", "Caturtunggal"
    ),
    DemoCooperative(
        "gamping",
        "Koperasi Serba Usaha Gamping Sejahtera",
        CooperativeKind.SERBA_USAHA,
        "Gamping",
        "Ambarketawang",
    ),
    DemoCooperative(
        "godean", "Koperasi Konsumen Godean Mandiri", CooperativeKind.KONSUMEN, "Godean", "Sidoarum"
    ),
    DemoCooperative(
        "kalasan",
        "KSP Candi Makmur Kalasan",
        CooperativeKind.SIMPAN_PINJAM,
        "Kalasan",
        "Purwomartani",
    ),
    DemoCooperative(
        "minggir",
        "Koperasi Tani Minggir Subur",
        CooperativeKind.PRODUSEN,
        "Minggir",
        "Sendangagung",
    ),
    DemoCooperative(
        "mlati", "KSP Guyub Rukun Mlati", CooperativeKind.SIMPAN_PINJAM, "Mlati", "Sinduadi"
    ),
    DemoCooperative(
        "moyudan",
        "Koperasi Serba Usaha Moyudan Jaya",
        CooperativeKind.SERBA_USAHA,
        "Moyudan",
        "Sumberagung",
    ),
    DemoCooperative(
        "ngaglik", "KSP Sardono Ngaglik", CooperativeKind.SIMPAN_PINJAM, "Ngaglik", "Sardonoharjo"
    ),
    DemoCooperative(
        "ngemplak",
        "Koperasi Jasa Ngemplak Bersatu",
        CooperativeKind.JASA,
        "Ngemplak",
        "Wedomartani",
    ),
    DemoCooperative(
        "pakem",
        "Koperasi Salak Pakem Sejahtera",
        CooperativeKind.PRODUSEN,
        "Pakem",
        "Harjobinangun",
    ),
    DemoCooperative(
        "prambanan",
        "KSP Roro Jonggrang Prambanan",
        CooperativeKind.SIMPAN_PINJAM,
        "Prambanan",
        "Bokoharjo",
    ),
    DemoCooperative(
        "seyegan",
        "Koperasi Konsumen Seyegan Makmur",
        CooperativeKind.KONSUMEN,
        "Seyegan",
        "Margodadi",
    ),
    DemoCooperative(
        "tempel", "KSP Lumbung Rejo Tempel", CooperativeKind.SIMPAN_PINJAM, "Tempel", "Lumbungrejo"
    ),
    DemoCooperative(
        "turi",
        "Koperasi Serba Usaha Turi Bangun",
        CooperativeKind.SERBA_USAHA,
        "Turi",
        "Bangunkerto",
    ),
]
HEAD_OFFICE_USERS = [
    ("admin", "Siti Rahayu", "admin"),
    ("operator", "Budi Santoso", "operator"),
    ("auditor", "Dewi Lestari", "auditor"),
]


def demo_totp_key(username: str) -> str:
    """A fixed TOTP key per demo user, derived from the name, so the demo logins can print it.

    Demo only: real users enrol their own device with a random key (identity.views)."""
    return hashlib.sha256(f"demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_base32(username: str) -> str:
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()


def _person(username: str, full_name: str, *, head_office_role: str = "") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@demo.koperasi.test",
            "head_office_role": head_office_role,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _with_totp(user: User) -> User:
    TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": demo_totp_key(user.username), "confirmed": True}
    )
    return user


def demo_is_loaded(*, with_members: bool = False) -> bool:
    """Loaded when the cooperatives exist (and, with_members, the last one has members)."""
    last = Cooperative.objects.filter(slug=PRIMARIES[-1].slug).first()
    if last is None:
        return False
    if not with_members:
        return True
    from django_tenants.utils import tenant_context

    from tenants.models import Member

    with tenant_context(last):
        return Member.objects.exists()


DEMO_MEMBERS = 10_000
DEMO_MONTHS = 12


def _sizes(total: int) -> list[int]:
    """Members per primary cooperative: uneven (as real ones are), adding up to total."""
    weights = [3 + (i * 7) % 5 for i in range(len(PRIMARIES))]
    sizes = [max(2, total * w // sum(weights)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def demo_load(*, members: int = DEMO_MEMBERS, months: int = DEMO_MONTHS) -> list[Cooperative]:
    """Create the demo federation: about ``members`` members over the primary
    cooperatives with ``months`` months of savings history. Idempotent: what exists is
    left alone."""
    sizes = _sizes(members)
    jobs: list[MembersJob] = []
    made: list[Cooperative] = []
    for username, name, role in HEAD_OFFICE_USERS:
        _with_totp(_person(username, name, head_office_role=role))
    for entry in [SECONDARY, *PRIMARIES]:
        cooperative = Cooperative.objects.filter(slug=entry.slug).first()
        if cooperative is None:
            cooperative = cooperative_create(
                actor=None,
                name=entry.name,
                slug=entry.slug,
                kind=entry.kind,
                legal_entity_number=_legal_number(entry.slug),
                address=CooperativeAddress(
                    street=f"Jl. Koperasi No. {len(made) + 1}",
                    desa=entry.desa,
                    kecamatan=entry.kecamatan,
                    kabupaten=KABUPATEN,
                    provinsi=PROVINSI,
                    postal_code="555" + f"{len(made):02d}",
                ),
            )
        made.append(cooperative)
        with transaction.atomic():
            board = _with_totp(_person(f"pengurus.{entry.slug}", f"Ketua {entry.kecamatan}"))
            teller = _with_totp(_person(f"kasir.{entry.slug}", f"Kasir {entry.kecamatan}"))
            member = _person(f"anggota.{entry.slug}", f"Anggota {entry.kecamatan}")
            for user, roles in (
                (board, ["pengurus", "anggota"]),
                (teller, ["kasir", "anggota"]),
                (member, ["anggota"]),
            ):
                for role in roles:
                    CooperativeRole.objects.get_or_create(
                        user=user, cooperative=cooperative, role=role
                    )
        if entry is not SECONDARY:
            jobs.append(
                MembersJob(
                    cooperative_id=cooperative.pk,
                    district_code=len(made),
                    kecamatan=entry.kecamatan,
                    desa=entry.desa,
                    size=DemoSize(members=sizes[len(made) - 2], months=months),
                )
            )
    _members_load_all(jobs)
    _ppob_open()
    return made


@dataclass(frozen=True)
class MembersJob:
    cooperative_id: int
    district_code: int
    kecamatan: str
    desa: str
    size: DemoSize


def _members_load(job: MembersJob) -> int:
    with connection.cursor() as cursor:
        # Demo data: a crash halfway is repaired by loading again, so the load need not
        # wait for every commit to reach the disk.
        cursor.execute("SET synchronous_commit TO off")
    return demo_members_load(
        Cooperative.objects.get(pk=job.cooperative_id),
        district_code=job.district_code,
        kecamatan=job.kecamatan,
        desa=job.desa,
        size=job.size,
    )


def _members_load_in_child(job: MembersJob) -> int:
    connections.close_all()  # never share the parent's connection
    try:
        return _members_load(job)
    finally:
        connections.close_all()


def _members_load_all(jobs: list[MembersJob]) -> None:
    """The cooperatives' members, in parallel processes (one per core) when nothing is in
    an open transaction; each cooperative is its own schema, so they never wait on each
    other. Inside a transaction (the tests) the children could not see its rows: one by one."""
    workers = min(len(jobs), os.cpu_count() or 1)
    if connection.in_atomic_block or workers < 2 or "fork" not in mp.get_all_start_methods():
        for job in jobs:
            _members_load(job)
        return
    connections.close_all()
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(_members_load_in_child, jobs))


def _ppob_open() -> None:
    """PPOB's catalogue and the head office's deposit from the configured provider (the
    sandbox in development; docs/ppob.md), so the shop shows products at once. Idempotent:
    a second sync changes nothing, and the deposit is read only when it never was."""
    from django_tenants.utils import schema_context

    from ppob.providers import provider_name
    from ppob.providers.base import ProviderError
    from ppob.selectors import deposit_latest
    from ppob.services.catalogue import catalogue_sync
    from ppob.services.deposit import deposit_refresh

    if not provider_name():
        return  # PPOB is switched off
    with schema_context("public"):
        try:
            catalogue_sync()
            if deposit_latest() is None:
                deposit_refresh(source="demo")
        except ProviderError as exc:
            print(f"PPOB catalogue not loaded: {exc}")


def _legal_number(slug: str) -> str:
    digest = int(hashlib.sha256(slug.encode()).hexdigest()[:8], 16) % 10**7
    return f"AHU-{digest:07d}.AH.01.26.TAHUN 2026"


def base_url(host: str, port: str) -> str:
    suffix = f":{port}" if port else ""
    return f"{settings.PLATFORM_SCHEME}://{host}{suffix}"
