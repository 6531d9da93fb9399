"""Accepting an invitation: set a password through a one-time link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from identity import services
from identity.models import Invitation, User

NEW_PASSWORD = "Sandi-Undangan-Kuat-42"


@pytest.fixture
def invitation(alpha, alpha_board):
    _invitation, token = services.user_invite(
        actor=alpha_board,
        email="kasir.baru@example.test",
        full_name="Siti Kasir",
        role="kasir",
        cooperative=alpha,
        invite_url="http://alpha.localhost/akun/undangan/{token}/",
    )
    return _invitation, token


def _url(token: str) -> str:
    return reverse("identity:invitation_accept", kwargs={"token": token})


def _accept(client, token: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(
        _url(token), {"password1": password, "password2": password if again is None else again}
    )


def test_invitation_page_shows_who_invited_whom_to_what(host, alpha, alpha_board, invitation):
    _inv, token = invitation

    response = host(alpha, english=True).get(_url(token))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Siti Kasir" in text
    assert "Alpha Board has invited you as Teller (kasir) at Koperasi Alpha." in text


def test_invitation_sets_the_password_once(host, alpha, invitation):
    inv, token = invitation
    client = host(alpha)

    # when
    response = _accept(client, token)

    # then: password set, invitation spent, sent to log in
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login")
    user = User.objects.get(email="kasir.baru@example.test")
    assert user.check_password(NEW_PASSWORD)
    inv.refresh_from_db()
    assert inv.accepted_at is not None

    # when: the link is used a second time
    second = _accept(host(alpha), token, "Lain-Sandi-Lagi-99")

    # then
    assert second.status_code == 404
    assert "identity/invitation_invalid.html" in [t.name for t in second.templates]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert host(alpha).get(_url(token)).status_code == 404


def test_an_expired_invitation_is_refused_and_nothing_is_written(host, alpha, invitation):
    inv, token = invitation
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert host(alpha).get(_url(token)).status_code == 404
    response = _accept(host(alpha), token)

    assert response.status_code == 404
    assert not User.objects.get(email="kasir.baru@example.test").has_usable_password()
    inv.refresh_from_db()
    assert inv.accepted_at is None


def test_an_unknown_token_is_refused(host, alpha):
    response = host(alpha, english=True).get(_url("not-a-real-token"))

    assert response.status_code == 404
    assert b"invalid, has expired, or has already been used" in response.content


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [
        (NEW_PASSWORD, "Something-Else-77", "password2"),
        ("12345678", None, "password1"),
        ("short", None, "password1"),
    ],
)
def test_a_bad_password_is_refused_and_nothing_is_written(
    host, alpha, invitation, password, again, field
):
    inv, token = invitation

    response = _accept(host(alpha), token, password, again)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.get(email="kasir.baru@example.test").has_usable_password()
    inv.refresh_from_db()
    assert inv.accepted_at is None
