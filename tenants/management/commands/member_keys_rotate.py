"""`manage.py member_keys_rotate <slug>` (or `--all`): re-encrypt members' personal data
with the current key. Rotation: prepend a new key to MEMBER_DATA_KEYS, deploy, run this,
then drop the old key."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import tenant_context
from registry.models import Cooperative, CooperativeKind

from tenants.members.services import member_data_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt members' NIK, KK and phone with the current MEMBER_DATA_KEYS key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", nargs="?", help="The cooperative's short name.")
        parser.add_argument("--all", action="store_true", help="Every cooperative.")

    def handle(self, *args: Any, **options: Any) -> None:
        current = getattr(connection, "tenant", None)
        connection.set_schema_to_public()  # type: ignore[attr-defined]
        cooperatives = Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM).order_by("slug")
        if options["all"]:
            targets = list(cooperatives)
        elif options["slug"]:
            targets = list(cooperatives.filter(slug=options["slug"]))
            if not targets:
                raise CommandError(f"no cooperative {options['slug']!r}")
        elif current is not None and getattr(current, "schema_name", "public") != "public":
            targets = [current]  # run through `tenant_command ... --schema=...`
        else:
            raise CommandError("name a cooperative, or pass --all")
        failed = []
        for cooperative in targets:
            try:
                with tenant_context(cooperative):
                    rows = member_data_reencrypt()
            except InvalidToken:
                # A row no configured key opens: keep going with the others, fail at the end.
                failed.append(cooperative.slug)
                self.stderr.write(f"{cooperative.slug}: FAILED, data no configured key opens")
                continue
            self.stdout.write(f"{cooperative.slug}: {rows} rows re-encrypted")
        if failed:
            raise CommandError(f"could not re-encrypt: {', '.join(failed)}")
