"""The head office's API on the bare domain: /api/cooperatives/ and /api/users/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from identity.models import CooperativeRole
from registry.models import Cooperative
from rest_framework.authtoken.models import Token

from tests.web.support import NEW_COOPERATIVE, schemas

LIST = "/api/cooperatives/"


def test_anonymous_callers_get_401(alpha, client_for):
    client = client_for(None)
    assert client.get(LIST).status_code == 401
    assert client.get("/api/users/").status_code == 401
    assert client.post(f"{LIST}alpha/suspend/", {"reason": "x"}).status_code == 401


def test_cooperative_staff_get_403_on_the_head_office_api(alpha, alpha_board, client_for):
    client = client_for(None, alpha_board)
    assert client.get(LIST).status_code == 403
    assert client.post(LIST, NEW_COOPERATIVE).status_code == 403


def test_list_and_retrieve_by_slug(alpha, beta, head_office_auditor, client_for):
    client = client_for(None, head_office_auditor)
    listed = client.get(LIST).json()
    slugs = [row["slug"] for row in listed["results"]]
    assert "alpha" in slugs and "beta" in slugs and "kantor-pusat" not in slugs
    one = client.get(f"{LIST}alpha/").json()
    assert one["name"] == "Koperasi Alpha"
    assert one["url"] == "http://alpha.localhost:8000/"
    assert client.get(f"{LIST}kantor-pusat/").status_code == 404


def test_create_registers_and_invites(head_office_admin, client_for):
    response = client_for(None, head_office_admin).post(
        LIST, NEW_COOPERATIVE, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "tani-makmur"
    cooperative = Cooperative.objects.get(slug="tani-makmur")
    assert CooperativeRole.objects.filter(cooperative=cooperative, role="pengurus").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "alpha"}, "slug"),
        ({"desa": ""}, "desa"),
        ({"board_email": "nope"}, "board_email"),
    ],
)
def test_create_with_bad_input_is_400_and_writes_nothing(
    alpha, head_office_admin, client_for, change, field
):
    before = (Cooperative.objects.count(), schemas())
    response = client_for(None, head_office_admin).post(
        LIST, {**NEW_COOPERATIVE, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()[field]
    connection.set_schema_to_public()
    assert (Cooperative.objects.count(), schemas()) == before


def test_auditor_reads_but_cannot_write(alpha, head_office_auditor, client_for):
    client = client_for(None, head_office_auditor)
    assert client.get(LIST).status_code == 200
    assert client.post(LIST, NEW_COOPERATIVE).status_code == 403
    assert client.post(f"{LIST}alpha/suspend/", {"reason": "x"}).status_code == 403
    alpha.refresh_from_db()
    assert alpha.status == "active"


def test_suspend_needs_a_reason_then_reactivate(alpha, head_office_operator, client_for):
    client = client_for(None, head_office_operator)
    missing = client.post(f"{LIST}alpha/suspend/", {})
    assert missing.status_code == 400 and "reason" in missing.json()
    suspended = client.post(f"{LIST}alpha/suspend/", {"reason": "Late report"})
    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended"
    again = client.post(f"{LIST}alpha/suspend/", {"reason": "Again"})
    assert again.status_code == 400
    assert again.json()["non_field_errors"]
    reactivated = client.post(f"{LIST}alpha/reactivate/")
    assert reactivated.json()["status"] == "active"


def test_archive_through_the_api(archivable, head_office_admin, client_for, tmp_path):
    with override_settings(EXPORT_ROOT=tmp_path):
        response = client_for(None, head_office_admin).post(
            f"{LIST}{archivable.slug}/archive/", {"reason": "Dissolved by RAT"}
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "archived" and body["url"] is None
    folder = Path(body["archive_path"])
    assert (folder / "schema.dump").exists()
    assert json.loads((folder / "manifest.json").read_text())["cooperative"]["slug"] == "arsip-uji"
    assert client_for(archivable).get("/api/cooperative/").status_code in {404, 410}


def test_users_list_is_for_admins(alpha_board, head_office_admin, head_office_operator, client_for):
    assert client_for(None, head_office_operator).get("/api/users/").status_code == 403
    response = client_for(None, head_office_admin).get("/api/users/")
    assert response.status_code == 200
    rows = {row["username"]: row for row in response.json()["results"]}
    assert rows["ho-admin"]["head_office_role"] == "admin"
    assert {"cooperative": "alpha", "role": "pengurus"} in [
        {"cooperative": r["cooperative"], "role": r["role"]}
        for r in rows["alpha-board"]["cooperative_roles"]
    ]


def test_token_authentication_works(alpha, head_office_auditor, client_for):
    token = Token.objects.create(user=head_office_auditor)
    client = client_for(None)
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_failed_export_is_503_and_archives_nothing(
    archivable, head_office_admin, client_for, monkeypatch
):
    from registry import export
    from registry.schema_template import SchemaError

    def broken(cooperative):
        raise SchemaError("pg_dump failed: disk full")

    monkeypatch.setattr(export, "cooperative_export", broken)
    response = client_for(None, head_office_admin).post(
        f"{LIST}{archivable.slug}/archive/", {"reason": "Dissolved"}
    )
    assert response.status_code == 503
    assert response.json()["detail"]
    archivable.refresh_from_db()
    assert archivable.status == "active"
