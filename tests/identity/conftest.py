"""Helpers for identity's tests: clients with their own address, logging in through the page."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse


def _fresh_ip() -> str:
    # Each client its own address: DRF's login throttle counts per address in Redis,
    # which outlives a test's rolled-back transaction.
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


@pytest.fixture
def host(client_for: Callable[..., Client]) -> Callable[..., Client]:
    """host(cooperative_or_None, user=None, english=False): client_for with its own address;
    english=True picks English (the default is Indonesian) so messages can be compared."""

    def make(cooperative: Any = None, user: Any = None, *, english: bool = False) -> Client:
        client = client_for(cooperative, user)
        client.defaults["REMOTE_ADDR"] = _fresh_ip()
        if english:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def password_login(client: Client, username: str, password: str, next_url: str = "") -> Any:
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("identity:login"), data)


def me(client: Client, **extra: Any) -> Any:
    return client.get("/api/auth/me/", **extra)
