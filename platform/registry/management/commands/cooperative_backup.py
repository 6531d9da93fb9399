"""`manage.py cooperative_backup <slug>... | --all`: pg_dump -Fc of each cooperative's schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registry.backup import BackupError, backups_rotate, cooperative_backup
from registry.models import Cooperative, CooperativeKind, CooperativeStatus


class Command(BaseCommand):
    help = (
        "Back up cooperatives' schemas (pg_dump custom format) to "
        "<output-dir>/<slug>/<slug>-<UTC time>.dump, each with a .json manifest."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("slugs", nargs="*", help="Short names of the cooperatives.")
        parser.add_argument(
            "--all", action="store_true", help="Every cooperative that is not archived."
        )
        parser.add_argument(
            "--output-dir", type=Path, help="Folder for the backups (default: BACKUP_ROOT)."
        )
        parser.add_argument(
            "--keep", type=int, default=0, help="Keep only the newest N dumps per cooperative."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slugs: list[str] = options["slugs"]
        members = Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM)
        if options["all"]:
            cooperatives = list(members.exclude(status=CooperativeStatus.ARCHIVED).order_by("pk"))
        elif slugs:
            cooperatives = list(members.filter(slug__in=slugs))
            missing = sorted(set(slugs) - {c.slug for c in cooperatives})
            if missing:
                raise CommandError(f"no cooperative with short name(s): {', '.join(missing)}")
        else:
            raise CommandError("name the cooperatives (short names) or pass --all")
        root = options["output_dir"] or Path(settings.BACKUP_ROOT)
        failed = []
        for cooperative in cooperatives:
            folder = root / cooperative.slug
            try:
                backup = cooperative_backup(actor=None, cooperative=cooperative, folder=folder)
            except BackupError as exc:
                failed.append(cooperative.slug)
                self.stderr.write(f"{cooperative.slug}: {exc}")
                continue
            if options["keep"]:
                backups_rotate(folder, keep=options["keep"])
            self.stdout.write(str(backup.dump))
        if failed:
            raise CommandError(f"backup failed for: {', '.join(failed)}")
