"""The import pages: upload → dry-run report → import now → result; export; access."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tenants.importer.jobs import import_job_run
from tenants.members.selectors import member_find_by_nik
from tests.factories import user_make
from tests.importer.conftest import as_csv, as_xlsx, member_row


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def staff_client(impor: Any, media: Path, client_for: Callable[..., Client]) -> Client:
    client = client_for(impor, user_make("impor-board", roles={impor: ["pengurus"]}))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_upload_check_then_import(impor: Any, staff_client: Client, media: Path) -> None:
    data = [member_row(), member_row()]
    upload = SimpleUploadedFile("anggota.xlsx", as_xlsx(data))
    checked = staff_client.post("/staf/impor/periksa/", {"file": upload})
    assert checked.status_code == 200
    assert b"Import now" in checked.content
    digest = checked.context["digest"]
    assert (media / impor.schema_name / "imports" / f"{digest}.xlsx").is_file()
    connection.set_tenant(impor)
    assert member_find_by_nik(data[0]["nik"]) is None  # the check wrote nothing
    connection.set_schema_to_public()

    started = staff_client.post("/staf/impor/jalankan/", {"digest": digest, "extension": "xlsx"})
    assert started.status_code == 302
    status_url = started["Location"]
    queued = staff_client.get(status_url)
    assert queued.context["job"].state == "queued"
    assert b'http-equiv="refresh"' in queued.content  # the progress page reloads itself

    # what the Celery worker runs for the job (the task's body, in the cooperative's schema)
    connection.set_tenant(impor)
    import_job_run(digest=digest, extension="xlsx", actor=None)
    connection.set_schema_to_public()

    done = staff_client.get(status_url)
    assert done.status_code == 200 and done.context["job"].state == "done"
    assert done.context["job"].rows_ok == 2
    assert b'http-equiv="refresh"' not in done.content
    connection.set_tenant(impor)
    assert member_find_by_nik(data[0]["nik"]) is not None
    connection.set_schema_to_public()
    assert not (media / impor.schema_name / "imports" / f"{digest}.xlsx").exists()


def test_bad_row_is_reported(impor: Any, staff_client: Client) -> None:
    data = [member_row(), member_row(birth_date="1980-13-40")]
    upload = SimpleUploadedFile("anggota.csv", as_csv(data))
    response = staff_client.post("/staf/impor/periksa/", {"file": upload})
    assert response.status_code == 400
    assert [(p.row, p.column) for p in response.context["report"].problems] == [(3, "birth_date")]
    assert b"Import now" not in response.content


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/staf/impor/periksa/", {}),
        ("/staf/impor/jalankan/", {"digest": "0" * 64, "extension": "csv"}),
        ("/staf/impor/jalankan/", {"digest": "../../etc/passwd", "extension": "csv"}),
    ],
)
def test_bad_requests_are_refused(staff_client: Client, url: str, data: dict[str, str]) -> None:
    assert staff_client.post(url, data).status_code == 400


def test_bad_file_type(staff_client: Client) -> None:
    upload = SimpleUploadedFile("anggota.txt", b"x")
    response = staff_client.post("/staf/impor/periksa/", {"file": upload})
    assert response.status_code == 400 and response.context["error"]


def test_index_and_export(staff_client: Client) -> None:
    assert staff_client.get("/staf/impor/").status_code == 200
    response = staff_client.get("/staf/impor/ekspor/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_member_cannot_import(impor: Any, client_for: Callable[..., Client]) -> None:
    client = client_for(impor, user_make("impor-member", roles={impor: ["anggota"]}))
    assert client.get("/staf/impor/").status_code in (302, 403)
    assert client.get("/staf/impor/ekspor/").status_code in (302, 403)
