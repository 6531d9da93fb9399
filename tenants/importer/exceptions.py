"""Refusals of the importer: a translated message (English msgid) and a stable code."""

from __future__ import annotations

from federation.errors import RefusedError


class ImporterError(RefusedError):
    default_code = "importer"


class ImportFileInvalid(ImporterError):
    default_code = "import_file_invalid"
