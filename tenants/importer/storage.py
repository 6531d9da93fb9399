"""The uploaded file between the dry run and the real import: kept under the cooperative's
own folder (MEDIA_ROOT/<schema>/imports/), named by its digest, so the "import now" step
imports exactly the file that was checked."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import connection

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
EXTENSIONS = ("csv", "xlsx")


def _folder() -> Path:
    schema: str = getattr(connection, "schema_name", "public")
    return Path(settings.MEDIA_ROOT) / schema / "imports"


def import_file_store(*, digest: str, extension: str, content: bytes) -> None:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{digest}.{extension}").write_bytes(content)


def import_file_load(*, digest: str, extension: str) -> bytes | None:
    """The stored file, or None for a digest or extension that is not one we wrote."""
    if not _DIGEST.match(digest or "") or extension not in EXTENSIONS:
        return None
    path = _folder() / f"{digest}.{extension}"
    return path.read_bytes() if path.is_file() else None


def import_file_remove(*, digest: str, extension: str) -> None:
    if _DIGEST.match(digest or "") and extension in EXTENSIONS:
        (_folder() / f"{digest}.{extension}").unlink(missing_ok=True)
