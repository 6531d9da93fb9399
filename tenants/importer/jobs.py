"""The real import as a background job: the page starts it and shows a progress bar while
a Celery worker runs members_import. The job's state lives in the cache (Redis), under a
key that carries the cooperative's schema (django_tenants.cache.make_key), for a day."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from tenants.importer.exceptions import ImportFileInvalid
from tenants.importer.parse import parse_file
from tenants.importer.services import members_import
from tenants.importer.storage import import_file_load, import_file_remove

TTL = 24 * 3600
PROBLEMS_SHOWN = 200
STAGES = ("queued", "check", "members", "balances", "done", "failed")


@dataclass
class ImportJob:
    digest: str
    extension: str
    state: str = "queued"  # one of STAGES
    done: int = 0
    total: int = 0
    rows_ok: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        weight = {"queued": (0, 0), "check": (0, 40), "members": (40, 30), "balances": (70, 30)}
        start, span = weight.get(self.state, (0, 0))
        return start + (span * self.done // self.total if self.total else 0)


def _key(digest: str) -> str:
    return f"importer:job:{digest}"


def import_job_get(digest: str) -> ImportJob | None:
    data = cache.get(_key(digest))
    return ImportJob(**data) if isinstance(data, dict) else None


def _save(job: ImportJob) -> None:
    cache.set(_key(job.digest), asdict(job), TTL)


def import_job_start(*, digest: str, extension: str) -> ImportJob | None:
    """Mark the job queued unless one for this file is queued or running already (None
    then: the caller shows that one). cache.add is atomic in Redis."""
    job = ImportJob(digest=digest, extension=extension)
    if not cache.add(_key(digest), asdict(job), TTL):
        existing = import_job_get(digest)
        if existing is None or not existing.finished:
            return None
        _save(job)
    return job


def import_job_run(*, digest: str, extension: str, actor: Any) -> ImportJob:
    """Run the real import of a checked file and record its progress and result. Safe to
    run twice: a second run of an imported file finds every NIK registered and writes
    nothing; a finished job is not run again."""
    job = import_job_get(digest) or ImportJob(digest=digest, extension=extension)
    if job.state == "done":
        return job
    content = import_file_load(digest=digest, extension=extension)
    if content is None:
        job.state, job.error = "failed", _("Upload the file again: it was not found.")
        _save(job)
        return job
    try:
        parsed = parse_file(f"file.{extension}", content)
    except ImportFileInvalid as error:
        job.state, job.error = "failed", str(error.messages[0])
        _save(job)
        return job

    def progress(stage: str, done: int, total: int) -> None:
        job.state, job.done, job.total = stage, done, total
        _save(job)

    report = members_import(
        actor=actor, rows=parsed.rows, dry_run=False, digest=parsed.digest, progress=progress
    )
    job.rows_ok = report.rows_ok if report.written else 0
    job.problems = [asdict(p) for p in report.problems[:PROBLEMS_SHOWN]]
    job.state = "done" if report.written else "failed"
    if not report.written:
        job.error = _("Nothing was imported. Correct these rows and upload the file again.")
    else:
        import_file_remove(digest=digest, extension=extension)
    _save(job)
    return job
