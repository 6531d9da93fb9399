"""A cooperative's API on its host: /api/cooperative/, /api/audit/, /api/staff/."""

from __future__ import annotations

import pytest
from audit.services import audit_record
from django.db import connection
from django_tenants.utils import schema_context
from identity.models import CooperativeRole, User
from registry.services import cooperative_suspend

from tests.web.support import audit_in

INVITE = {"full_name": "Dewi Lestari", "email": "dewi@example.test", "role": "kasir"}


@pytest.mark.parametrize("path", ["/api/cooperative/", "/api/audit/", "/api/staff/"])
def test_anonymous_callers_get_401(alpha, client_for, path):
    assert client_for(alpha).get(path).status_code == 401


@pytest.mark.parametrize("path", ["/api/cooperative/", "/api/audit/", "/api/staff/"])
def test_people_without_a_role_here_get_403(alpha, outsider, beta_board, client_for, path):
    assert client_for(alpha, outsider).get(path).status_code == 403
    # beta's board member, with a session opened on alpha's host
    assert client_for(alpha, beta_board).get(path).status_code == 403


def test_profile_for_any_role(alpha, alpha_member, alpha_board, client_for):
    for person in (alpha_member, alpha_board):
        response = client_for(alpha, person).get("/api/cooperative/")
        assert response.status_code == 200
        assert response.json()["slug"] == "alpha"
        assert response.json()["desa"] == "Sukamaju"
    assert client_for(alpha, alpha_board).post("/api/cooperative/", {}).status_code == 403


def test_audit_is_for_staff_and_shows_only_this_cooperative(
    alpha, beta, alpha_member, alpha_supervisor, client_for
):
    with schema_context(beta.schema_name):
        audit_record(actor=None, action="test.entry", summary="beta secret")
    with schema_context(alpha.schema_name):
        audit_record(actor=None, action="test.entry", summary="alpha entry")
    assert client_for(alpha, alpha_member).get("/api/audit/").status_code == 403
    response = client_for(alpha, alpha_supervisor).get("/api/audit/")
    assert response.status_code == 200
    summaries = [row["summary"] for row in response.json()["results"]]
    assert "alpha entry" in summaries and "beta secret" not in summaries


def test_staff_list_is_this_cooperatives_staff(
    alpha, alpha_board, alpha_teller, alpha_member, beta_board, client_for
):
    assert client_for(alpha, alpha_member).get("/api/staff/").status_code == 403
    response = client_for(alpha, alpha_teller).get("/api/staff/")
    assert response.status_code == 200
    rows = {(row["email"], row["role"]) for row in response.json()["results"]}
    assert rows == {
        ("alpha-board@example.test", "pengurus"),
        ("alpha-teller@example.test", "kasir"),
    }


def test_board_invites_through_the_api(alpha, alpha_board, client_for):
    response = client_for(alpha, alpha_board).post(
        "/api/staff/", INVITE, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "kasir"
    connection.set_schema_to_public()
    dewi = User.objects.get(email="dewi@example.test")
    assert CooperativeRole.objects.filter(user=dewi, cooperative=alpha, role="kasir").exists()
    assert [e.data["user_id"] for e in audit_in(alpha.schema_name, "role.grant")] == [dewi.pk]


@pytest.mark.parametrize(
    ("change", "field"), [({"role": "anggota"}, "role"), ({"email": "nope"}, "email")]
)
def test_invite_with_bad_input_is_400_and_writes_nothing(
    alpha, alpha_board, client_for, change, field
):
    before = User.objects.count()
    response = client_for(alpha, alpha_board).post(
        "/api/staff/", {**INVITE, **change}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()[field]
    connection.set_schema_to_public()
    assert User.objects.count() == before


@pytest.mark.parametrize("who", ["alpha_teller", "alpha_supervisor"])
def test_staff_who_are_not_board_cannot_invite_or_revoke(
    alpha, alpha_board, client_for, request, who
):
    client = client_for(alpha, request.getfixturevalue(who))
    assert client.post("/api/staff/", INVITE, content_type="application/json").status_code == 403
    grant = CooperativeRole.objects.get(user=alpha_board, role="pengurus")
    assert client.delete(f"/api/staff/{grant.pk}/").status_code == 403
    connection.set_schema_to_public()
    assert CooperativeRole.objects.filter(pk=grant.pk).exists()


def test_board_revokes_through_the_api(alpha, alpha_board, alpha_teller, client_for):
    grant = CooperativeRole.objects.get(user=alpha_teller, cooperative=alpha)
    response = client_for(alpha, alpha_board).delete(f"/api/staff/{grant.pk}/")
    assert response.status_code == 204
    connection.set_schema_to_public()
    assert not CooperativeRole.objects.filter(pk=grant.pk).exists()


def test_revoking_another_cooperatives_or_ones_own_role_is_refused(
    alpha, alpha_board, beta_board, client_for
):
    client = client_for(alpha, alpha_board)
    beta_grant = CooperativeRole.objects.get(user=beta_board, role="pengurus")
    assert client.delete(f"/api/staff/{beta_grant.pk}/").status_code == 404
    own = CooperativeRole.objects.get(user=alpha_board, role="pengurus")
    refused = client.delete(f"/api/staff/{own.pk}/")
    assert refused.status_code == 400
    assert refused.json()["non_field_errors"]
    connection.set_schema_to_public()
    assert CooperativeRole.objects.filter(pk__in=[beta_grant.pk, own.pk]).count() == 2


def test_suspended_cooperative_answers_423_to_staff_writes(
    alpha, alpha_board, alpha_teller, alpha_member, client_for
):
    cooperative_suspend(actor=None, cooperative=alpha, reason="Late RAT")
    board = client_for(alpha, alpha_board)
    response = board.post("/api/staff/", INVITE, content_type="application/json")
    assert response.status_code == 423
    assert response.json()["code"] == "cooperative_suspended"
    grant = CooperativeRole.objects.get(user=alpha_teller, cooperative=alpha)
    assert board.delete(f"/api/staff/{grant.pk}/").status_code == 423
    assert board.get("/api/staff/").status_code == 200
    member = client_for(alpha, alpha_member).get("/api/cooperative/")
    assert member.status_code == 200 and member.json()["status"] == "suspended"
