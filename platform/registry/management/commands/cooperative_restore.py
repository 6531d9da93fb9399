"""`manage.py cooperative_restore <slug> <dump>`: restore one cooperative's schema.

Restores into the database of DATABASE_URL: the live one, or a staging database when run
with DATABASE_URL pointing there (infra/backup/restore-tenant.sh --database-url).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, cooperative_restore
from registry.models import Cooperative


class Command(BaseCommand):
    help = "Restore one cooperative's schema from a cooperative_backup dump."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slug", help="Short name of the cooperative.")
        parser.add_argument("dump", type=Path, help="The .dump file written by cooperative_backup.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the existing schema (it is renamed aside, not dropped, unless "
            "--drop-previous).",
        )
        parser.add_argument(
            "--drop-previous",
            action="store_true",
            help="Drop the replaced schema once the restore has succeeded.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["slug"]).first()
        if cooperative is None:
            raise CommandError(
                f"no cooperative {options['slug']!r} in this database's registry: restore the "
                "whole database first (infra/backup/restore-all.sh)"
            )
        try:
            restored = cooperative_restore(
                actor=None,
                cooperative=cooperative,
                dump=options["dump"],
                replace=options["replace"],
                keep_previous=not options["drop_previous"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {restored.schema} from {options['dump']}")
        if restored.previous:
            self.stdout.write(
                f"the replaced schema is kept as {restored.previous}; once checked: "
                f'DROP SCHEMA "{restored.previous}" CASCADE'
            )
        if not restored.cache_cleared:
            self.stdout.write(
                self.style.WARNING(
                    f"could not clear its cache keys ({restored.schema}:*): they expire by "
                    "themselves, or clear them in Redis"
                )
            )
        if not restored.up_to_date:
            self.stdout.write(
                self.style.WARNING(
                    "its migrations differ from this code's: run `manage.py migrate` now"
                )
            )
