"""A cooperative's own pages on its host: staff desk, audit, staff and roles, member home."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from identity.models import CooperativeRole, User
from registry.services import cooperative_suspend

from tests.web.support import audit_in, english, login_path, tenant_url

STAFF_PAGES = ["tenants:staff_home", "tenants:staff_audit", "tenants:staff_roles"]


# --- home -----------------------------------------------------------------------------------


def test_home_sends_anonymous_visitors_to_login(alpha, client_for):
    response = client_for(alpha).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(login_path())


def test_home_sends_staff_to_the_staff_desk(alpha, alpha_board, client_for):
    response = client_for(alpha, alpha_board).get("/")
    assert response.status_code == 302
    assert response["Location"] == tenant_url("tenants:staff_home")


def test_home_sends_members_to_their_page(alpha, alpha_member, client_for):
    response = client_for(alpha, alpha_member).get("/")
    assert response.status_code == 302
    assert response["Location"] == tenant_url("tenants:member_home")


@pytest.mark.parametrize("who", ["outsider", "head_office_admin", "beta_board"])
def test_home_is_403_for_people_without_a_role_here(alpha, client_for, request, who):
    person = request.getfixturevalue(who)
    response = english(client_for(alpha, person)).get("/")
    assert response.status_code == 403
    assert b"You have no role in this cooperative" in response.content
    assert b"http://localhost:8000/" in response.content


# --- staff pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_send_anonymous_visitors_to_login(alpha, client_for, name):
    response = client_for(alpha).get(tenant_url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(login_path())


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_refuse_members_and_outsiders(alpha, alpha_member, outsider, client_for, name):
    assert client_for(alpha, alpha_member).get(tenant_url(name)).status_code == 403
    assert client_for(alpha, outsider).get(tenant_url(name)).status_code == 403


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_open_for_every_staff_role(
    alpha, alpha_board, alpha_teller, alpha_supervisor, client_for, name
):
    for person in (alpha_board, alpha_teller, alpha_supervisor):
        assert client_for(alpha, person).get(tenant_url(name)).status_code == 200, person


def test_staff_pages_need_two_factor(alpha, alpha_teller):
    client = Client(HTTP_HOST="alpha.localhost")
    client.force_login(alpha_teller, backend="identity.backends.IdentityBackend")
    session = client.session
    session["tenant_schema"] = alpha.schema_name
    session.save()
    response = client.get(tenant_url("tenants:staff_home"))
    assert response.status_code == 302
    assert "/akun/2fa/" in response["Location"]


def test_staff_home_shows_profile_roles_counts_and_latest_audit(
    alpha, alpha_board, alpha_teller, client_for
):
    from audit.services import audit_record

    with schema_context(alpha.schema_name):
        for n in range(12):
            audit_record(actor=alpha_board, action="test.entry", summary=f"entry {n}")
    response = english(client_for(alpha, alpha_board)).get(tenant_url("tenants:staff_home"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Koperasi Alpha", "AHU-ALPHA-0001", "Savings and loans", "Sukamaju", "Active"):
        assert text in html
    assert "Board (pengurus)" in response.context["my_roles"]
    counts = {row["role"]: row["count"] for row in response.context["role_counts"]}
    assert counts["pengurus"] == 1 and counts["kasir"] == 1
    assert len(response.context["entries"]) == 10
    assert "entry 11" in html and "entry 1<" not in html


def test_staff_audit_shows_only_this_cooperatives_log(alpha, beta, alpha_board, client_for):
    from audit.services import audit_record

    with schema_context(beta.schema_name):
        audit_record(actor=None, action="test.entry", summary="beta secret")
    with schema_context(alpha.schema_name):
        audit_record(actor=None, action="test.entry", summary="alpha entry")
    response = client_for(alpha, alpha_board).get(tenant_url("tenants:staff_audit"))
    assert b"alpha entry" in response.content
    assert b"beta secret" not in response.content


def test_roles_page_lists_only_this_cooperatives_staff(
    alpha, alpha_board, alpha_teller, alpha_member, beta_board, client_for
):
    response = client_for(alpha, alpha_teller).get(tenant_url("tenants:staff_roles"))
    people = {grant.user.username for grant in response.context["staff"]}
    assert people == {"alpha-board", "alpha-teller"}
    assert {grant.cooperative_id for grant in response.context["staff"]} == {alpha.pk}
    # the teller reads but gets no invite form
    assert tenant_url("tenants:staff_invite").encode() not in response.content


def test_board_invites_staff_and_the_audit_lands_in_this_cooperative(
    alpha, beta, alpha_board, client_for, django_capture_on_commit_callbacks
):
    # given
    public_before = audit_in("public", "role.grant")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alpha, alpha_board).post(
            tenant_url("tenants:staff_invite"),
            {"full_name": "Dewi Lestari", "email": "dewi@example.test", "role": "kasir"},
        )
    # then
    assert response.status_code == 302
    connection.set_schema_to_public()
    dewi = User.objects.get(email="dewi@example.test")
    assert list(CooperativeRole.objects.filter(user=dewi).values_list("cooperative", "role")) == [
        (alpha.pk, "kasir")
    ]
    assert "http://alpha.localhost:8000/akun/undangan/" in mail.outbox[0].body
    assert [e.data["user_id"] for e in audit_in(alpha.schema_name, "role.grant")] == [dewi.pk]
    assert audit_in("public", "role.grant") == public_before
    assert not audit_in(beta.schema_name, "role.grant")


def test_invite_refuses_a_member_role_and_bad_addresses(alpha, alpha_board, client_for):
    client = client_for(alpha, alpha_board)
    before = User.objects.count()
    for data, field in (
        ({"full_name": "A", "email": "a@example.test", "role": "anggota"}, "role"),
        ({"full_name": "A", "email": "not-an-address", "role": "kasir"}, "email"),
        ({"full_name": "", "email": "a@example.test", "role": "kasir"}, "full_name"),
    ):
        response = client.post(tenant_url("tenants:staff_invite"), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
    connection.set_schema_to_public()
    assert User.objects.count() == before


@pytest.mark.parametrize("who", ["alpha_teller", "alpha_supervisor", "alpha_member"])
def test_only_the_board_invites_or_revokes(alpha, alpha_board, client_for, request, who):
    client = client_for(alpha, request.getfixturevalue(who))
    response = client.post(
        tenant_url("tenants:staff_invite"),
        {"full_name": "X", "email": "x@example.test", "role": "kasir"},
    )
    assert response.status_code == 403
    grant = CooperativeRole.objects.get(user=alpha_board, role="pengurus")
    assert client.post(tenant_url("tenants:staff_revoke", pk=grant.pk)).status_code == 403
    connection.set_schema_to_public()
    assert not User.objects.filter(email="x@example.test").exists()
    assert CooperativeRole.objects.filter(pk=grant.pk).exists()


def test_manager_can_invite_too(alpha, alpha_manager, client_for):
    response = client_for(alpha, alpha_manager).post(
        tenant_url("tenants:staff_invite"),
        {"full_name": "Rudi", "email": "rudi@example.test", "role": "pengawas"},
    )
    assert response.status_code == 302


def test_board_revokes_a_role_and_the_audit_lands_here(
    alpha, alpha_board, alpha_teller, client_for
):
    grant = CooperativeRole.objects.get(user=alpha_teller, cooperative=alpha)
    response = client_for(alpha, alpha_board).post(tenant_url("tenants:staff_revoke", pk=grant.pk))
    assert response.status_code == 302
    connection.set_schema_to_public()
    assert not CooperativeRole.objects.filter(pk=grant.pk).exists()
    assert [e.data["user_id"] for e in audit_in(alpha.schema_name, "role.revoke")] == [
        alpha_teller.pk
    ]


def test_board_cannot_revoke_another_cooperatives_role(alpha, beta_board, alpha_board, client_for):
    grant = CooperativeRole.objects.get(user=beta_board, role="pengurus")
    response = client_for(alpha, alpha_board).post(tenant_url("tenants:staff_revoke", pk=grant.pk))
    assert response.status_code == 404
    connection.set_schema_to_public()
    assert CooperativeRole.objects.filter(pk=grant.pk).exists()


def test_board_cannot_revoke_their_own_role(alpha, alpha_board, client_for):
    grant = CooperativeRole.objects.get(user=alpha_board, role="pengurus")
    response = client_for(alpha, alpha_board).post(tenant_url("tenants:staff_revoke", pk=grant.pk))
    assert response.status_code == 400
    connection.set_schema_to_public()
    assert CooperativeRole.objects.filter(pk=grant.pk).exists()


def test_revoke_and_invite_refuse_get(alpha, alpha_board, client_for):
    client = client_for(alpha, alpha_board)
    assert client.get(tenant_url("tenants:staff_invite")).status_code == 405


# --- member home ----------------------------------------------------------------------------


def test_member_home_greets_the_member_honestly(alpha, alpha_member, client_for):
    response = english(client_for(alpha, alpha_member)).get(tenant_url("tenants:member_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Member" in html and "Koperasi Alpha" in html and "Sukamaju" in html
    assert "Member (anggota)" in html
    assert "will appear here" in html
    assert "Rp" not in html  # no made-up balances


def test_member_home_is_for_members_only(alpha, alpha_teller, outsider, client_for):
    url = tenant_url("tenants:member_home")
    assert client_for(alpha).get(url).status_code == 302
    assert client_for(alpha, alpha_teller).get(url).status_code == 403
    assert client_for(alpha, outsider).get(url).status_code == 403


# --- a suspended cooperative -----------------------------------------------------------------


def test_suspended_cooperative_blocks_staff_writes_but_members_still_read(
    alpha, alpha_board, alpha_member, client_for
):
    # given
    cooperative_suspend(actor=None, cooperative=alpha, reason="Late RAT")
    # when / then: staff writes answer 423 and write nothing
    board = english(client_for(alpha, alpha_board))
    response = board.post(
        tenant_url("tenants:staff_invite"),
        {"full_name": "X", "email": "x@example.test", "role": "kasir"},
    )
    assert response.status_code == 423
    connection.set_schema_to_public()
    assert not User.objects.filter(email="x@example.test").exists()
    # staff can still read, and are told why they cannot write
    page = board.get(tenant_url("tenants:staff_roles"))
    assert page.status_code == 200
    assert b"suspended" in page.content
    assert tenant_url("tenants:staff_invite").encode() not in page.content
    # the member's page works
    assert client_for(alpha, alpha_member).get(tenant_url("tenants:member_home")).status_code == 200


def test_a_session_from_another_cooperative_is_not_accepted(alpha, beta, beta_board, client_for):
    client = client_for(beta, beta_board)
    client.defaults["HTTP_HOST"] = "alpha.localhost"
    response = client.get(tenant_url("tenants:staff_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(login_path())


def test_a_member_logs_in_and_lands_on_their_page(alpha, alpha_member, password):
    # given: the member opens their cooperative's address, not logged in
    client = Client(HTTP_HOST="alpha.localhost")
    to_login = client.get("/")
    # when: they log in through the real login page
    response = client.post(
        to_login["Location"], {"username": "alpha-member", "password": password}, follow=True
    )
    # then: home sends them on to the member page
    assert response.redirect_chain[-1][0] == tenant_url("tenants:member_home")
    assert response.status_code == 200
    assert b"Koperasi Alpha" in response.content
