"""Refusals of the member pages' services; each carries a code for the API."""

from __future__ import annotations

from federation.errors import RefusedError


class ActivationRefused(RefusedError):
    """The member number, code or password does not allow an activation."""
