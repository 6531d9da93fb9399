"""A member's first login by the teller's code, and logging in by member number or phone on
their own cooperative's host only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from audit.models import AuditEntry
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from identity.models import CooperativeRole, User

from tenants.memberweb.exceptions import ActivationRefused
from tenants.memberweb.services import member_activate, member_activation_issue
from tenants.models import Member, MemberActivation
from tests.factories import PASSWORD
from tests.memberweb.conftest import SLUG, member_make

NEW_PASSWORD = "Pohon-Kelapa-2025!"
ACTIVATE = "/anggota/aktivasi/"
LOGIN = "/akun/masuk/"


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        CooperativeRole.objects.count(),
        AuditEntry.objects.count(),
        MemberActivation.objects.filter(used_at__isnull=False).count(),
    )


def test_code_is_eight_characters_stored_only_as_a_hash(mweb, alpha_teller):
    with tenant_context(mweb):
        member = member_make()
        activation, code = member_activation_issue(actor=alpha_teller, member=member)
        assert len(code) == 8
        stored = MemberActivation.objects.get(pk=activation.pk)
        assert code not in stored.code_hash and len(stored.code_hash) == 64
        assert timedelta(0) < stored.expires_at - stored.created_at <= timedelta(hours=1)


def test_activation_page_creates_the_login_links_the_member_and_logs_in(mweb):
    with tenant_context(mweb):
        member = member_make()
        _activation, code = member_activation_issue(actor=None, member=member)
    client = Client(HTTP_HOST=f"{SLUG}.localhost")

    response = client.post(
        ACTIVATE,
        {"member_number": member.member_number, "code": code.lower(), "password": NEW_PASSWORD},
    )

    assert response.status_code == 302 and response["Location"] == "/anggota/"
    user = User.objects.get(username=f"anggota-{SLUG}-{member.member_number}")
    assert user.check_password(NEW_PASSWORD) and not user.email
    assert CooperativeRole.objects.filter(user=user, cooperative=mweb, role="anggota").exists()
    with tenant_context(mweb):
        assert Member.objects.get(pk=member.pk).user_id == user.pk
    assert int(client.session[SESSION_KEY]) == user.pk
    assert client.get("/anggota/").status_code == 200


def test_a_code_works_once(mweb):
    with tenant_context(mweb):
        member = member_make()
        _activation, code = member_activation_issue(actor=None, member=member)
        member_activate(
            cooperative=mweb, member_number=member.member_number, code=code, password=NEW_PASSWORD
        )
        before = _counts()
        with pytest.raises(ActivationRefused):
            member_activate(
                cooperative=mweb,
                member_number=member.member_number,
                code=code,
                password="Another-Password-99",
            )
        assert _counts() == before
        user = User.objects.get(pk=Member.objects.get(pk=member.pk).user_id)
        assert user.check_password(NEW_PASSWORD)


def test_an_expired_code_is_refused(mweb):
    with tenant_context(mweb):
        member = member_make()
        activation, code = member_activation_issue(actor=None, member=member)
        past = timezone.now() - timedelta(hours=2)
        MemberActivation.objects.filter(pk=activation.pk).update(
            created_at=past, expires_at=past + timedelta(minutes=30)
        )
        with pytest.raises(ActivationRefused):
            member_activate(
                cooperative=mweb,
                member_number=member.member_number,
                code=code,
                password=NEW_PASSWORD,
            )
        assert Member.objects.get(pk=member.pk).user_id is None


@pytest.mark.parametrize("wrong", ["code", "number"])
def test_a_wrong_code_or_number_is_refused_and_nothing_written(mweb, wrong):
    with tenant_context(mweb):
        member = member_make()
        other = member_make()
        _activation, code = member_activation_issue(actor=None, member=member)
        bad_code = ("23456789" if code != "23456789" else "98765432") if wrong == "code" else code
        number = member.member_number if wrong == "code" else other.member_number
        before = _counts()
    client = Client(HTTP_HOST=f"{SLUG}.localhost")
    client.cookies["django_language"] = "en"

    response = client.post(
        ACTIVATE, {"member_number": number, "code": bad_code, "password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert "not correct" in response.content.decode()
    assert SESSION_KEY not in client.session
    with tenant_context(mweb):
        assert _counts() == before
        assert not Member.objects.filter(pk__in=[member.pk, other.pk], user_id__isnull=False)


def _login(host: str, username: str, password: str = PASSWORD) -> Client:
    client = Client(HTTP_HOST=host)
    client.post(LOGIN, {"username": username, "password": password})
    connection.set_schema_to_public()
    return client


@pytest.mark.parametrize("by", ["member_number", "phone"])
def test_member_logs_in_by_number_or_phone_on_their_own_host_only(mweb, beta, linked, by):
    member, user = linked
    username = member.member_number if by == "member_number" else "0812-3456-7890"

    assert int(_login(f"{SLUG}.localhost", username).session[SESSION_KEY]) == user.pk
    assert SESSION_KEY not in _login(f"{beta.slug}.localhost", username).session
    assert SESSION_KEY not in _login("localhost", username).session
    assert SESSION_KEY not in _login(f"{SLUG}.localhost", username, "wrong-password").session
