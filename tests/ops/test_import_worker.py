"""The members import runs in a real Celery worker: the page's job reaches the worker in
the cooperative's schema and the members land there."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django_tenants.utils import schema_context

from tenants.importer.jobs import import_job_start
from tenants.importer.parse import parse_file
from tenants.importer.storage import import_file_store
from tenants.members.selectors import member_find_by_nik
from tests.factories import cooperative_ensure
from tests.importer.conftest import as_csv, member_row
from tests.ops.test_celery_worker import Workers, wait_for, workers  # noqa: F401 (fixture)


def test_the_import_job_runs_in_a_worker_in_the_cooperatives_schema(
    workers: Workers,  # noqa: F811
) -> None:
    # given: a checked file of three members kept for the job, as the page keeps it
    coop = cooperative_ensure("impw")
    rows = [member_row(), member_row(), member_row()]
    content = as_csv(rows)
    digest = parse_file("a.csv", content).digest
    with schema_context(coop.schema_name):
        import_file_store(digest=digest, extension="csv", content=content)
        assert import_job_start(digest=digest, extension="csv") is not None
    workers.start()

    # when: the page's task is sent in the cooperative's schema
    workers.send(
        "tenants.importer.members_import_run",
        coop.schema_name,
        digest=digest,
        extension="csv",
        actor_id=None,
    )

    # then: every member is registered in that schema, and the kept file is gone
    def imported() -> bool:
        with schema_context(coop.schema_name):
            return all(member_find_by_nik(r["nik"]) is not None for r in rows)

    wait_for(imported, 60, "the imported members")
    folder = Path(settings.MEDIA_ROOT) / coop.schema_name / "imports"
    assert not list(folder.glob(f"{digest}.*"))
    other = cooperative_ensure("impw-lain")
    with schema_context(other.schema_name):
        assert member_find_by_nik(rows[0]["nik"]) is None
