"""The one shape of a refused business operation: a translated message and a stable code.

Services raise a subclass; nothing has been written when it is raised. Views and the API
show the message (in the active language) and may branch on ``code``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class RefusedError(ValidationError):
    """A business rule said no. ``code`` names the rule; subclasses set ``default_code``."""

    default_code = "refused"

    def __init__(self, message: Any, code: str | None = None, params: Any = None) -> None:
        super().__init__(message, code=code or self.default_code, params=params)
