"""Meeting documents on disk, under the cooperative's own media folder:
MEDIA_ROOT/<schema>/rat/<meeting id>/<sha256>.<extension>, named by their content, so the
same file uploaded twice is one file and a name never says whose document it is."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import connection

EXTENSIONS = ("pdf", "docx", "xlsx", "odt", "ods", "jpg", "jpeg", "png")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
MAX_BYTES = 10 * 1024 * 1024
_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def meeting_folder(meeting_id: int) -> Path:
    schema: str = getattr(connection, "schema_name", "public")
    return Path(settings.MEDIA_ROOT) / schema / "rat" / str(int(meeting_id))


def document_path(meeting_id: int, sha256: str, extension: str) -> Path | None:
    if not _DIGEST.match(sha256 or "") or extension not in EXTENSIONS:
        return None
    return meeting_folder(meeting_id) / f"{sha256}.{extension}"


def document_write(meeting_id: int, sha256: str, extension: str, content: bytes) -> bool:
    """Write the file; True when this call made it (False: it was there already)."""
    path = document_path(meeting_id, sha256, extension)
    if path is None:
        raise ValueError("bad document name")
    if path.is_file():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(content)
    partial.replace(path)
    return True


def document_read(meeting_id: int, sha256: str, extension: str) -> bytes | None:
    path = document_path(meeting_id, sha256, extension)
    return path.read_bytes() if path is not None and path.is_file() else None


def document_remove(meeting_id: int, sha256: str, extension: str) -> None:
    path = document_path(meeting_id, sha256, extension)
    if path is not None:
        path.unlink(missing_ok=True)
