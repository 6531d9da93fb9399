"""Logging in and out, and a session that belongs to one host only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import reverse
from identity.middleware import SESSION_TENANT_KEY

from tests.factories import PASSWORD, totp_device, totp_now, user_make
from tests.identity.conftest import me, password_login


@pytest.mark.parametrize("on_cooperative", [False, True])
def test_login_page_renders_on_every_host(host, alpha, on_cooperative):
    client = host(alpha if on_cooperative else None)

    response = client.get(reverse("identity:login"))

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_login_binds_the_session_to_the_host_and_a_replay_elsewhere_is_logged_out(
    host, alpha, beta, alpha_member
):
    # given: a member logs in on alpha's host
    client = host(alpha)
    response = password_login(client, "alpha-member", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_TENANT_KEY] == alpha.schema_name
    assert me(client).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    # when: the same session cookie is replayed on beta's host
    thief = Client(HTTP_HOST="beta.localhost")
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = me(thief)

    # then: not logged in there, and the session is gone
    assert response.status_code in {401, 403}
    assert not Session.objects.filter(session_key=cookie).exists()


def test_login_on_the_bare_domain_binds_to_public_and_is_refused_on_a_cooperative(
    host, alpha, head_office_admin
):
    client = host(None)
    password_login(client, "ho-admin", PASSWORD)
    assert client.session[SESSION_TENANT_KEY] == "public"

    other = Client(HTTP_HOST="alpha.localhost")
    other.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = other.get(reverse("identity:otp_verify"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


def test_a_session_without_a_host_binding_is_logged_out(host, alpha, alpha_member):
    # given: an authenticated session that never went through login() here
    client = host(alpha)
    client.force_login(alpha_member, backend="identity.backends.IdentityBackend")
    session = client.session
    session.pop(SESSION_TENANT_KEY, None)
    session.save()

    # when / then
    assert me(client).status_code in {401, 403}
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "login", ["alpha-member", "ALPHA-MEMBER", "alpha-member@example.test", "0812 3456 7890"]
)
def test_login_with_username_email_or_phone(host, alpha, login):
    member = user_make("alpha-member", roles={alpha: ["anggota"]}, phone="6281234567890")
    client = host(alpha)

    response = password_login(client, login, PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_wrong_password_shows_an_error_and_logs_nobody_in(host, alpha, alpha_member):
    client = host(alpha, english=True)

    response = password_login(client, "alpha-member", "not-the-password")

    assert response.status_code == 200
    assert b"is not correct" in response.content
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/simpanan/", "/simpanan/"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("http://beta.localhost/", "/"),
    ],
)
def test_next_is_followed_only_on_the_same_host(host, alpha, alpha_member, next_url, expected):
    client = host(alpha)

    response = password_login(client, "alpha-member", PASSWORD, next_url)

    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.urls("tests.identity.staff_urls")
def test_staff_must_pass_otp_before_a_staff_page(host, alpha, alpha_teller):
    # given: a teller with an authenticator app logs in with the password only
    device = totp_device(alpha_teller)
    client = host(alpha)
    response = password_login(client, "alpha-teller", PASSWORD, "/staf-uji/")

    # then: sent to the code step, keeping where they wanted to go
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('identity:otp_verify')}?next=%2Fstaf-uji%2F"
    blocked = client.get("/staf-uji/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("identity:otp_verify"))
    assert me(client).status_code in {401, 403}

    # when: the right code
    response = client.post(
        reverse("identity:otp_verify"), {"code": totp_now(device), "next": "/staf-uji/"}
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/staf-uji/"
    page = client.get("/staf-uji/")
    assert page.status_code == 200
    assert page.content == b"staff only"
    assert me(client).status_code == 200


def test_staff_without_a_device_is_sent_to_set_one_up(host, alpha, alpha_teller):
    client = host(alpha)

    response = password_login(client, "alpha-teller", PASSWORD, "/x/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('identity:otp_setup')}?next=%2Fx%2F"


def test_head_office_staff_must_pass_otp_too(host, head_office_admin):
    totp_device(head_office_admin)
    client = host(None)

    response = password_login(client, "ho-admin", PASSWORD)

    assert response["Location"] == reverse("identity:otp_verify")
    assert me(client).status_code in {401, 403}


def test_logout_is_post_only(host, alpha, alpha_member):
    client = host(alpha, alpha_member)
    assert me(client).status_code == 200

    assert client.get(reverse("identity:logout")).status_code == 405
    assert me(client).status_code == 200

    response = client.post(reverse("identity:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:login")
    assert me(client).status_code in {401, 403}


@override_settings(AXES_FAILURE_LIMIT=3)
def test_axes_locks_the_login_after_the_failure_limit(host, alpha, alpha_member):
    client = host(alpha)
    for _ in range(2):
        assert password_login(client, "alpha-member", "wrong").status_code == 200

    # the third failure reaches the limit
    locked = password_login(client, "alpha-member", "wrong")
    assert locked.status_code == 429
    assert "identity/locked_out.html" in [t.name for t in locked.templates]

    # even the right password is refused now
    response = password_login(client, "alpha-member", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_locked_out_page_says_when_to_try_again(host, alpha, alpha_member):
    with override_settings(AXES_FAILURE_LIMIT=1):
        response = password_login(host(alpha, english=True), "alpha-member", "wrong")
    assert response.status_code == 429
    assert b"Try again in about 15 minutes." in response.content
    assert reverse("identity:password_reset").encode() in response.content
