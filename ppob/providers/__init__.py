"""PPOB providers: one interface (base.Provider), one adapter per aggregator. Which one
runs is a setting (PPOB_PROVIDER: "sandbox" in development and tests, "digiflazz" with
its credentials from the environment, empty = PPOB switched off)."""

from __future__ import annotations

import threading
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from federation.errors import RefusedError

from ppob.providers.base import Provider

_local = threading.local()


class ProviderUnavailable(RefusedError):
    default_code = "provider_off"


def provider_name() -> str:
    return str(getattr(settings, "PPOB_PROVIDER", "") or "")


def provider_get(*, log: bool = True) -> Provider:
    """The configured provider; its exchanges go to the event log unless ``log`` is
    False. Refused (ProviderUnavailable) when PPOB is switched off."""
    from ppob.events import event_observer
    from ppob.providers.base import observer_none

    name = provider_name()
    observer = event_observer(name) if log else observer_none
    if name == "sandbox":
        from ppob.providers.sandbox import SandboxProvider

        return SandboxProvider(
            delay_seconds=float(settings.PPOB_SANDBOX_DELAY_SECONDS),
            pending_seconds=float(settings.PPOB_SANDBOX_PENDING_SECONDS),
            deposit=Decimal(str(settings.PPOB_SANDBOX_DEPOSIT)),
            observer=observer,
        )
    if name == "digiflazz":
        import requests

        from ppob.providers.digiflazz import DigiflazzProvider

        session = getattr(_local, "session", None)
        if session is None:  # one connection pool per thread
            session = _local.session = requests.Session()
        return DigiflazzProvider(
            username=settings.PPOB_DIGIFLAZZ_USERNAME,
            key=settings.PPOB_DIGIFLAZZ_KEY,
            base_url=settings.PPOB_DIGIFLAZZ_URL,
            webhook_secret=settings.PPOB_DIGIFLAZZ_WEBHOOK_SECRET,
            testing=settings.PPOB_DIGIFLAZZ_TESTING,
            connect_timeout=float(settings.PPOB_HTTP_CONNECT_TIMEOUT),
            read_timeout=float(settings.PPOB_HTTP_READ_TIMEOUT),
            observer=observer,
            session=session,
        )
    raise ProviderUnavailable(_("PPOB sales are switched off on this platform."))
