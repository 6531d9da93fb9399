"""POST/DELETE /api/auth/token/ and GET /api/auth/me/."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from identity.api import LoginRateThrottle
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, totp_device, totp_now

TOKEN_URL = "/api/auth/token/"
ME_URL = "/api/auth/me/"


def _post(client, **data):
    return client.post(TOKEN_URL, data, content_type="application/json")


def _auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


def test_staff_without_otp_gets_400_and_no_token(host, alpha, alpha_teller):
    totp_device(alpha_teller)

    response = _post(host(alpha), username="alpha-teller", password=PASSWORD)

    assert response.status_code == 400
    assert "otp" in response.json()
    assert not Token.objects.filter(user=alpha_teller).exists()


def test_staff_with_a_valid_otp_gets_a_token_that_works(host, alpha, alpha_teller):
    device = totp_device(alpha_teller)
    client = host(alpha)

    response = _post(client, username="alpha-teller", password=PASSWORD, otp=totp_now(device))

    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=alpha_teller).key == token
    who = client.get(ME_URL, **_auth(token))
    assert who.status_code == 200
    assert who.json() == {
        "id": alpha_teller.pk,
        "username": "alpha-teller",
        "full_name": "Alpha Teller",
        "email": "alpha-teller@example.test",
        "head_office_role": "",
        "roles": [{"cooperative": "alpha", "role": "kasir"}],
    }


def test_staff_with_a_wrong_otp_gets_400_and_no_token(host, alpha, alpha_teller):
    device = totp_device(alpha_teller)
    wrong = f"{(int(totp_now(device)) + 1) % 1_000_000:06d}"

    response = _post(host(alpha), username="alpha-teller", password=PASSWORD, otp=wrong)

    assert response.status_code == 400
    assert "otp" in response.json()
    assert not Token.objects.exists()


def test_staff_without_a_device_is_told_to_set_one_up(host, alpha, alpha_teller):
    response = _post(
        host(alpha, english=True), username="alpha-teller", password=PASSWORD, otp="123456"
    )

    assert response.status_code == 400
    assert response.json()["otp"] == [
        "Two-factor authentication is not set up for this account. "
        "Set it up by logging in on the website first."
    ]


def test_wrong_password_gets_400_and_no_token_row(host, alpha, alpha_member):
    response = _post(host(alpha), username="alpha-member", password="wrong")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert not Token.objects.exists()


def test_missing_fields_get_400(host, alpha):
    response = _post(host(alpha))

    assert response.status_code == 400
    assert set(response.json()) >= {"username", "password"}


def test_a_member_gets_a_token_without_otp(host, alpha, alpha_member):
    response = _post(host(alpha), username="alpha-member", password=PASSWORD)

    assert response.status_code == 200
    assert Token.objects.get(user=alpha_member).key == response.json()["token"]


def test_head_office_me_shows_the_head_office_role(host, head_office_admin):
    device = totp_device(head_office_admin)
    client = host(None)
    token = _post(client, username="ho-admin", password=PASSWORD, otp=totp_now(device)).json()[
        "token"
    ]

    body = client.get(ME_URL, **_auth(token)).json()

    assert body["head_office_role"] == "admin"
    assert body["roles"] == []


def test_delete_revokes_the_callers_token(host, alpha, alpha_member):
    client = host(alpha)
    token = _post(client, username="alpha-member", password=PASSWORD).json()["token"]

    response = client.delete(TOKEN_URL, **_auth(token))

    assert response.status_code == 204
    assert not Token.objects.filter(user=alpha_member).exists()
    assert client.get(ME_URL, **_auth(token)).status_code == 401


def test_delete_needs_authentication(host, alpha):
    assert host(alpha).delete(TOKEN_URL).status_code in {401, 403}


def test_me_needs_authentication(host, alpha):
    assert host(alpha).get(ME_URL).status_code in {401, 403}


def test_me_through_a_verified_session(host, alpha, alpha_board):
    response = host(alpha, alpha_board).get(ME_URL)

    assert response.status_code == 200
    assert response.json()["roles"] == [
        {"cooperative": "alpha", "role": "anggota"},
        {"cooperative": "alpha", "role": "pengurus"},
    ]


def test_token_requests_are_throttled(host, alpha, alpha_member, monkeypatch):
    monkeypatch.setattr(LoginRateThrottle, "THROTTLE_RATES", {"login": "2/min"})
    client = host(alpha)

    codes = [_post(client, username="alpha-member", password="wrong").status_code for _ in range(3)]

    assert codes == [400, 400, 429]


@override_settings(AXES_FAILURE_LIMIT=2)
def test_token_endpoint_is_locked_out_by_axes(host, alpha, alpha_member):
    client = host(alpha, english=True)
    assert _post(client, username="alpha-member", password="wrong").status_code == 400

    locked = _post(client, username="alpha-member", password="wrong")
    after = _post(client, username="alpha-member", password=PASSWORD)

    assert locked.status_code == 429
    assert after.status_code == 429
    assert after.json() == {"detail": "Too many failed login attempts. Try again later."}
    assert not Token.objects.exists()


@pytest.mark.parametrize("english", [False, True])
def test_errors_come_in_the_active_language(host, alpha, alpha_member, english):
    response = _post(host(alpha, english=english), username="alpha-member", password="wrong")

    with translation.override("en" if english else "id"):
        expected = gettext("The username or the password is not correct.")
    assert response.json()["non_field_errors"] == [expected]
    assert response["Content-Language"] == ("en" if english else "id")


@pytest.mark.parametrize("urlconf", ["federation.urls_public", "federation.urls_tenant"])
def test_the_openapi_schema_documents_the_auth_endpoints_without_warnings(urlconf):
    GENERATOR_STATS.reset()
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)

    validate_schema(schema)
    paths = schema["paths"]
    assert set(paths[TOKEN_URL]) >= {"post", "delete"}
    assert not paths[TOKEN_URL]["post"].get("security")  # no credentials needed to log in
    assert paths[TOKEN_URL]["delete"]["security"]
    assert "get" in paths[ME_URL]
    assert not [w for w in GENERATOR_STATS._warn_cache if "identity" in w]
    assert not GENERATOR_STATS._error_cache
