"""Staff pages of the members import: upload → dry-run report → import now → result; and
the members export. Views check the file and call one service."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from identity.decorators import staff_required

from tenants.importer.exceptions import ImportFileInvalid
from tenants.importer.export import members_export_xlsx
from tenants.importer.jobs import import_job_get, import_job_start
from tenants.importer.parse import COLUMNS, parse_file
from tenants.importer.services import members_import
from tenants.importer.storage import import_file_load, import_file_store
from tenants.importer.tasks import members_import_run

MAX_UPLOAD = 10 * 1024 * 1024
TEMPLATE = "importer/index.html"


def _page(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    return render(request, TEMPLATE, {"columns": COLUMNS, **context}, status=status)


@staff_required(write=True)
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@staff_required(write=True)
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """The dry run of an uploaded file; the file is kept for the real import."""
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, 400, error=_("Choose a file to upload."))
    if upload.size is not None and upload.size > MAX_UPLOAD:
        return _page(request, 400, error=_("The file is larger than 10 MB."))
    content = upload.read()
    name = upload.name or ""
    try:
        parsed = parse_file(name, content)
    except ImportFileInvalid as error:
        return _page(request, 400, error=error.messages[0])
    report = members_import(
        actor=request.user, rows=parsed.rows, dry_run=True, digest=parsed.digest
    )
    extension = name.lower().rsplit(".", 1)[-1]
    if report.ok:
        import_file_store(digest=parsed.digest, extension=extension, content=content)
    return _page(
        request,
        200 if report.ok else 400,
        report=report,
        digest=parsed.digest,
        extension=extension,
    )


@staff_required(write=True)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Start the real import of a file checked before (kept under its digest) in the
    background and show its progress."""
    digest = request.POST.get("digest", "")
    extension = request.POST.get("extension", "")
    if import_file_load(digest=digest, extension=extension) is None:
        return _page(request, 400, error=_("Upload the file again: it was not found."))
    if import_job_start(digest=digest, extension=extension) is not None:
        actor_id = request.user.pk
        transaction.on_commit(
            lambda: members_import_run.delay(digest, extension, actor_id), robust=True
        )
    return redirect("tenants:importer:status", digest=digest)


@staff_required(write=True)
def status(request: HttpRequest, digest: str) -> HttpResponse:
    """The import's progress bar (the page reloads itself every two seconds while the job
    runs: no script needed), then its result."""
    job = import_job_get(digest)
    if job is None:
        raise Http404
    return render(request, "importer/status.html", {"job": job})


@staff_required()
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        members_export_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="anggota.xlsx"'
    return response
