from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from demo.federation import (
    DEMO_PASSWORD,
    HEAD_OFFICE_USERS,
    PRIMARIES,
    SECONDARY,
    base_url,
    demo_totp_base32,
    demo_totp_key,
)


def totp_code(username: str) -> str:
    return f"{TOTP(bytes.fromhex(demo_totp_key(username))).token():06d}"


class Command(BaseCommand):
    help = "Print the demo URLs and logins (with each staff login's TOTP key and current code)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", default=settings.PLATFORM_PORT)
        parser.add_argument("--otp", metavar="USERNAME", help="Print only USERNAME's current code.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["otp"]:
            self.stdout.write(totp_code(options["otp"]))
            return
        port = str(options["port"] or "")
        domain = settings.PLATFORM_DOMAIN
        out = self.stdout.write
        out("")
        out("=" * 78)
        out(" Koperasi Federasi is running")
        out("=" * 78)
        out(f" Head office console : {base_url(domain, port)}/")
        out(f" API docs            : {base_url(domain, port)}/api/")
        out(f" Health              : {base_url(domain, port)}/healthz")
        out(f" Password for every demo login: {DEMO_PASSWORD}")
        out(" Staff logins need a TOTP code: add the key to an authenticator app, or run")
        out("   .venv/bin/python manage.py demo_logins --otp <username>")
        out("")
        out(" Head office (at the bare domain):")
        for username, name, role in HEAD_OFFICE_USERS:
            out(f"   {username:<10} {role:<9} {name:<16} TOTP key {demo_totp_base32(username)}")
        out("")
        out(" Cooperatives (each at its own host):")
        for entry in [SECONDARY, *PRIMARIES]:
            out(f"   {base_url(f'{entry.slug}.{domain}', port)}/   {entry.name}")
        first = PRIMARIES[0].slug
        out("")
        out(f" In every cooperative, e.g. {first}:")
        out(f"   pengurus.{first} (board)   TOTP key {demo_totp_base32('pengurus.' + first)}")
        out(f"   kasir.{first} (teller)     TOTP key {demo_totp_base32('kasir.' + first)}")
        out(f"   anggota.{first} (member, no TOTP)")
        out(" Ctrl-C stops everything; data stays in var/run for the next `make run`.")
        out("=" * 78)
