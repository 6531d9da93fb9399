"""The head office's console on the bare domain: every page, its happy path and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.utils import translation
from identity.models import CooperativeRole, Invitation, User
from registry.models import Cooperative, CooperativeStatus
from registry.schema_template import schema_exists
from registry.services import cooperative_suspend

from tests.web.support import (
    NEW_COOPERATIVE,
    audit_in,
    english,
    login_path,
    public_url,
    schemas,
)

# --- who may open the console -------------------------------------------------------------

HEAD_OFFICE_PAGES = [
    ("headoffice:cooperative_list", {}),
    ("headoffice:cooperative_detail", {"slug": "alpha"}),
    ("headoffice:audit_log", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), HEAD_OFFICE_PAGES)
def test_console_pages_send_anonymous_visitors_to_login(alpha, client_for, name, kwargs):
    response = client_for(None).get(public_url(name, **kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(login_path())


@pytest.mark.parametrize(("name", "kwargs"), HEAD_OFFICE_PAGES)
def test_console_pages_refuse_cooperative_staff(alpha, alpha_board, client_for, name, kwargs):
    response = client_for(None, alpha_board).get(public_url(name, **kwargs))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), HEAD_OFFICE_PAGES)
def test_auditor_can_read_every_console_page(alpha, head_office_auditor, client_for, name, kwargs):
    response = client_for(None, head_office_auditor).get(public_url(name, **kwargs))
    assert response.status_code == 200


def test_console_needs_two_factor(alpha, head_office_admin):
    # given: password only, no TOTP step
    client = Client(HTTP_HOST="localhost")
    client.force_login(head_office_admin, backend="identity.backends.IdentityBackend")
    session = client.session
    session["tenant_schema"] = "public"
    session.save()
    # when
    response = client.get(public_url("headoffice:cooperative_list"))
    # then
    assert response.status_code == 302
    assert "/akun/2fa/" in response["Location"]


# --- home ---------------------------------------------------------------------------------


def test_home_sends_anonymous_visitors_to_login(client_for):
    response = client_for(None).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(login_path())


def test_home_is_the_dashboard_for_head_office(alpha, beta, head_office_admin, client_for):
    cooperative_suspend(actor=None, cooperative=beta, reason="Audit")
    response = client_for(None, head_office_admin).get("/")
    assert response.status_code == 200
    assert response.context["counts"]["suspended"] >= 1
    assert response.context["counts"]["active"] >= 1
    assert public_url("headoffice:cooperative_new").encode() in response.content


def test_dashboard_hides_writes_from_the_auditor(head_office_auditor, client_for):
    response = client_for(None, head_office_auditor).get("/")
    assert response.status_code == 200
    assert public_url("headoffice:cooperative_new").encode() not in response.content
    assert public_url("headoffice:user_list").encode() not in response.content


def test_home_lists_a_members_cooperatives_with_links(alpha, alpha_member, client_for):
    response = client_for(None, alpha_member).get("/")
    assert response.status_code == 200
    assert b"Koperasi Alpha" in response.content
    assert b"http://alpha.localhost:8000/" in response.content
    assert b"Koperasi Beta" not in response.content


def test_home_tells_a_shopper_without_roles_what_to_do(outsider, client_for):
    response = client_for(None, outsider).get("/")
    assert response.status_code == 200
    assert response.context["places"] == []


# --- cooperatives: list and search ---------------------------------------------------------


def test_list_searches_by_name_and_slug(alpha, beta, head_office_admin, client_for):
    client = client_for(None, head_office_admin)
    url = public_url("headoffice:cooperative_list")
    by_name = client.get(url, {"q": "alpha"})
    assert [c.slug for c in by_name.context["page_obj"]] == ["alpha"]
    by_slug = client.get(url, {"q": "bet"})
    assert [c.slug for c in by_slug.context["page_obj"]] == ["beta"]


def test_list_filters_by_status_and_never_shows_the_platform(
    alpha, beta, head_office_admin, client_for
):
    cooperative_suspend(actor=None, cooperative=beta, reason="Audit")
    client = client_for(None, head_office_admin)
    url = public_url("headoffice:cooperative_list")
    suspended = client.get(url, {"status": "suspended"})
    assert [c.slug for c in suspended.context["page_obj"]] == ["beta"]
    everything = [c.slug for c in client.get(url).context["page_obj"]]
    assert "alpha" in everything and "kantor-pusat" not in everything


# --- cooperatives: create ----------------------------------------------------------------


def test_create_registers_the_cooperative_and_invites_its_board(
    head_office_operator, client_for, django_capture_on_commit_callbacks
):
    client = client_for(None, head_office_operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(public_url("headoffice:cooperative_new"), NEW_COOPERATIVE)
    assert response.status_code == 302
    assert response["Location"] == public_url("headoffice:cooperative_detail", slug="tani-makmur")
    cooperative = Cooperative.objects.get(slug="tani-makmur")
    assert (cooperative.desa, cooperative.postal_code, cooperative.kind) == (
        "Sukamaju",
        "40191",
        "produsen",
    )
    assert schema_exists("kop_tani_makmur")
    board = User.objects.get(email="siti@example.test")
    assert CooperativeRole.objects.filter(
        user=board, cooperative=cooperative, role="pengurus"
    ).exists()
    assert Invitation.objects.filter(user=board, cooperative=cooperative).exists()
    assert len(mail.outbox) == 1
    assert "http://tani-makmur.localhost:8000/akun/undangan/" in mail.outbox[0].body
    created = [
        e for e in audit_in("public", "cooperative.create") if e.object_id == str(cooperative.pk)
    ]
    assert [e.actor_id for e in created] == [head_office_operator.pk]
    detail = client.get(response["Location"])
    assert b"Koperasi Tani Makmur" in detail.content
    assert any("siti@example.test" in str(m) for m in detail.context["messages"])


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slug": "Bad Slug!"}, "slug"),
        ({"slug": "alpha"}, "slug"),
        ({"desa": ""}, "desa"),
        ({"board_email": "not-an-address"}, "board_email"),
        ({"postal_code": "12"}, "postal_code"),
        ({"kind": "platform"}, "kind"),
    ],
)
def test_create_with_bad_input_writes_nothing(alpha, head_office_admin, client_for, change, field):
    # given
    before = (Cooperative.objects.count(), schemas(), User.objects.count())
    # when
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:cooperative_new"), {**NEW_COOPERATIVE, **change}
    )
    # then
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"'.encode() in response.content
    connection.set_schema_to_public()
    assert (Cooperative.objects.count(), schemas(), User.objects.count()) == before
    assert not mail.outbox


def test_create_errors_speak_indonesian_by_default_and_english_on_request(
    alpha, head_office_admin, client_for
):
    # given: a short name that alpha already uses
    data = {**NEW_COOPERATIVE, "slug": "alpha"}
    english_message = "Another cooperative already uses this short name."
    with translation.override("id"):
        indonesian_message = translation.gettext(english_message)
    assert indonesian_message != english_message, "the Indonesian catalog lacks this message"
    url = public_url("headoffice:cooperative_new")
    # when / then: Indonesian by default, whatever the browser says
    client = client_for(None, head_office_admin)
    default = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert default["Content-Language"] == "id"
    assert default.context["form"].errors["slug"] == [indonesian_message]
    assert indonesian_message in default.content.decode()
    # and English once chosen with the language switch
    chosen = english(client).post(url, data)
    assert chosen["Content-Language"] == "en"
    assert chosen.context["form"].errors["slug"] == [english_message]


def test_auditor_cannot_create(head_office_auditor, client_for):
    client = client_for(None, head_office_auditor)
    before = Cooperative.objects.count()
    assert client.get(public_url("headoffice:cooperative_new")).status_code == 403
    assert client.post(public_url("headoffice:cooperative_new"), NEW_COOPERATIVE).status_code == 403
    assert Cooperative.objects.count() == before


# --- cooperatives: detail, suspend, reactivate ---------------------------------------------


def test_detail_shows_address_status_link_staff_and_audit(
    alpha, alpha_board, head_office_admin, client_for
):
    client = client_for(None, head_office_admin)
    client.post(public_url("headoffice:cooperative_suspend", slug="alpha"), {"reason": "Late RAT"})
    response = client.get(public_url("headoffice:cooperative_detail", slug="alpha"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sukamaju" in html and "Cibeunying" in html
    assert "http://alpha.localhost:8000/" in html
    assert "Alpha Board" in html
    assert "Late RAT" in html
    assert response.context["entries"][0].action == "cooperative.suspend"
    assert public_url("headoffice:cooperative_reactivate", slug="alpha") in html


def test_detail_of_an_unknown_or_the_platforms_slug_is_404(head_office_admin, client_for):
    client = client_for(None, head_office_admin)
    assert client.get(public_url("headoffice:cooperative_detail", slug="nope")).status_code == 404
    platform = public_url("headoffice:cooperative_detail", slug="kantor-pusat")
    assert client.get(platform).status_code == 404


def test_auditor_sees_no_action_buttons_and_cannot_post(alpha, head_office_auditor, client_for):
    client = client_for(None, head_office_auditor)
    html = client.get(public_url("headoffice:cooperative_detail", slug="alpha")).content.decode()
    assert public_url("headoffice:cooperative_suspend", slug="alpha") not in html
    assert public_url("headoffice:cooperative_archive", slug="alpha") not in html
    for name in ("cooperative_suspend", "cooperative_reactivate", "cooperative_archive"):
        response = client.post(public_url(f"headoffice:{name}", slug="alpha"), {"reason": "x"})
        assert response.status_code == 403, name
    alpha.refresh_from_db()
    assert alpha.status == CooperativeStatus.ACTIVE


def test_suspend_needs_a_reason(alpha, head_office_admin, client_for):
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:cooperative_suspend", slug="alpha"), {"reason": ""}
    )
    assert response.status_code == 400
    assert response.context["suspend_form"].errors["reason"]
    alpha.refresh_from_db()
    assert alpha.status == CooperativeStatus.ACTIVE


def test_suspend_then_reactivate(alpha, head_office_operator, client_for):
    client = client_for(None, head_office_operator)
    detail = public_url("headoffice:cooperative_detail", slug="alpha")
    response = client.post(
        public_url("headoffice:cooperative_suspend", slug="alpha"), {"reason": "Unpaid fees"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    alpha.refresh_from_db()
    assert (alpha.status, alpha.status_reason) == ("suspended", "Unpaid fees")
    response = client.post(public_url("headoffice:cooperative_reactivate", slug="alpha"))
    assert response.status_code == 302
    alpha.refresh_from_db()
    assert alpha.status == "active"
    assert [e.action for e in audit_in("public", "cooperative.reactivate")] == [
        "cooperative.reactivate"
    ]


def test_reactivating_an_active_cooperative_is_refused(alpha, head_office_admin, client_for):
    response = english(client_for(None, head_office_admin)).post(
        public_url("headoffice:cooperative_reactivate", slug="alpha")
    )
    assert response.status_code == 400
    assert any("cannot be changed" in str(m) for m in response.context["messages"])


def test_actions_refuse_get(alpha, head_office_admin, client_for):
    client = client_for(None, head_office_admin)
    assert client.get(public_url("headoffice:cooperative_suspend", slug="alpha")).status_code == 405


# --- cooperatives: archive ------------------------------------------------------------------


def test_archive_asks_for_confirmation_first(archivable, head_office_admin, client_for):
    url = public_url("headoffice:cooperative_archive", slug=archivable.slug)
    response = client_for(None, head_office_admin).get(url)
    assert response.status_code == 200
    assert b'name="reason"' in response.content
    archivable.refresh_from_db()
    assert archivable.status == "active"


def test_archive_needs_a_reason(archivable, head_office_admin, client_for):
    url = public_url("headoffice:cooperative_archive", slug=archivable.slug)
    response = client_for(None, head_office_admin).post(url, {"reason": " "})
    assert response.status_code == 400
    archivable.refresh_from_db()
    assert archivable.status == "active"


def test_archive_exports_then_the_host_stops_answering(
    archivable, head_office_admin, client_for, tmp_path
):
    # given: the cooperative answers on its own host
    assert client_for(archivable).get("/").status_code == 302
    # when
    with override_settings(EXPORT_ROOT=tmp_path):
        response = client_for(None, head_office_admin).post(
            public_url("headoffice:cooperative_archive", slug=archivable.slug),
            {"reason": "Merged into Koperasi Alpha"},
        )
    # then
    assert response.status_code == 302
    connection.set_schema_to_public()
    archivable.refresh_from_db()
    assert archivable.status == "archived"
    folder = Path(archivable.archive_path)
    assert folder.is_relative_to(tmp_path)
    assert (folder / "schema.dump").stat().st_size > 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["cooperative"]["slug"] == archivable.slug
    assert "audit_auditentry" in manifest["tables"]
    detail = client_for(None, head_office_admin).get(response["Location"])
    assert str(folder).encode() in detail.content
    assert client_for(archivable).get("/").status_code in {404, 410}


# --- users and roles ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["operator", "auditor"])
def test_users_pages_are_for_admins_only(alpha_board, client_for, role):
    from tests.factories import user_make

    person = user_make(f"ho-{role}", head_office_role=role)
    client = client_for(None, person)
    assert client.get(public_url("headoffice:user_list")).status_code == 403
    assert client.get(public_url("headoffice:user_detail", pk=alpha_board.pk)).status_code == 403
    response = client.post(
        public_url("headoffice:user_invite"),
        {"full_name": "X", "email": "x@example.test", "role": "admin"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.test").exists()


def test_users_list_shows_head_office_and_cooperative_roles(
    alpha_board, head_office_admin, head_office_auditor, client_for
):
    client = english(client_for(None, head_office_admin))
    response = client.get(public_url("headoffice:user_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Head-office auditor (read-only)" in html
    assert "alpha: Board (pengurus)" in html
    found = client_for(None, head_office_admin).get(
        public_url("headoffice:user_list"), {"q": "alpha-board"}
    )
    assert [u.username for u in found.context["page_obj"]] == ["alpha-board"]


def test_invite_a_head_office_user(
    head_office_admin, client_for, django_capture_on_commit_callbacks
):
    client = client_for(None, head_office_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            public_url("headoffice:user_invite"),
            {"full_name": "Budi Santoso", "email": "budi@example.test", "role": "operator"},
        )
    assert response.status_code == 302
    budi = User.objects.get(email="budi@example.test")
    assert budi.head_office_role == "operator"
    assert "http://localhost:8000/akun/undangan/" in mail.outbox[0].body
    assert audit_in("public", "head_office_role.set")


def test_invite_with_bad_input_writes_nothing(head_office_admin, client_for):
    before = User.objects.count()
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:user_invite"),
        {"full_name": "Budi", "email": "budi-at-nowhere", "role": "operator"},
    )
    assert response.status_code == 400
    assert response.context["invite_form"].errors["email"]
    assert User.objects.count() == before


def test_change_a_head_office_role(head_office_admin, head_office_auditor, client_for):
    url = public_url("headoffice:user_ho_role", pk=head_office_auditor.pk)
    response = client_for(None, head_office_admin).post(url, {"role": "operator"})
    assert response.status_code == 302
    head_office_auditor.refresh_from_db()
    assert head_office_auditor.head_office_role == "operator"


def test_an_admin_cannot_drop_their_own_admin_role(head_office_admin, client_for):
    url = public_url("headoffice:user_ho_role", pk=head_office_admin.pk)
    response = client_for(None, head_office_admin).post(url, {"role": ""})
    assert response.status_code == 400
    assert response.context["role_form"].errors["role"]
    head_office_admin.refresh_from_db()
    assert head_office_admin.head_office_role == "admin"


def test_grant_and_revoke_a_cooperative_role(alpha, outsider, head_office_admin, client_for):
    client = english(client_for(None, head_office_admin))
    response = client.post(
        public_url("headoffice:user_role_grant", pk=outsider.pk),
        {"cooperative": "alpha", "role": "kasir"},
    )
    assert response.status_code == 302
    grant = CooperativeRole.objects.get(user=outsider, cooperative=alpha)
    assert grant.role == "kasir"
    detail = client.get(public_url("headoffice:user_detail", pk=outsider.pk))
    assert b"Teller (kasir)" in detail.content
    response = client.post(
        public_url("headoffice:user_role_revoke", pk=outsider.pk, role_pk=grant.pk)
    )
    assert response.status_code == 302
    assert not CooperativeRole.objects.filter(user=outsider).exists()
    assert [e.action for e in audit_in("public", "role.revoke")] == ["role.revoke"]


def test_grant_in_an_unknown_cooperative_is_refused(outsider, head_office_admin, client_for):
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:user_role_grant", pk=outsider.pk),
        {"cooperative": "nowhere", "role": "kasir"},
    )
    assert response.status_code == 400
    assert response.context["grant_form"].errors["cooperative"]
    assert not CooperativeRole.objects.filter(user=outsider).exists()


def test_revoke_checks_the_role_belongs_to_that_user(
    alpha, alpha_board, outsider, head_office_admin, client_for
):
    grant = CooperativeRole.objects.get(user=alpha_board, role="pengurus")
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:user_role_revoke", pk=outsider.pk, role_pk=grant.pk)
    )
    assert response.status_code == 404
    assert CooperativeRole.objects.filter(pk=grant.pk).exists()


# --- audit log ------------------------------------------------------------------------------


def test_audit_log_is_paginated(head_office_admin, client_for):
    from audit.services import audit_record

    for n in range(55):
        audit_record(actor=head_office_admin, action="test.entry", summary=f"entry {n}")
    client = client_for(None, head_office_admin)
    first = client.get(public_url("headoffice:audit_log"))
    assert first.status_code == 200
    assert len(first.context["page_obj"]) == 50
    assert b"entry 54" in first.content
    second = client.get(public_url("headoffice:audit_log"), {"page": 2})
    assert b"entry 0<" in second.content


def test_a_failed_export_archives_nothing(archivable, head_office_admin, client_for, monkeypatch):
    from registry import export
    from registry.schema_template import SchemaError

    def broken(cooperative):
        raise SchemaError("pg_dump failed: disk full")

    monkeypatch.setattr(export, "cooperative_export", broken)
    response = client_for(None, head_office_admin).post(
        public_url("headoffice:cooperative_archive", slug=archivable.slug), {"reason": "Dissolved"}
    )
    assert response.status_code == 503
    assert response.context["form"].non_field_errors()
    archivable.refresh_from_db()
    assert archivable.status == "active"
    assert client_for(archivable).get("/").status_code == 302
