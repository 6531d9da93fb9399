"""Absolute links into identity's pages on a given host (for e-mails sent from any host)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from registry.services import cooperative_url


def invitation_url(cooperative: Any) -> str:
    """The invitation-accept page on the cooperative's own host (the bare domain for the
    platform's row), with ``{token}`` where identity.services.user_invite puts the token."""
    path = reverse("identity:invitation_accept", kwargs={"token": "TOKEN"})
    return cooperative_url(cooperative, path.replace("TOKEN", "{token}"))
