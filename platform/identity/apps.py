from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "identity"
    verbose_name = _("Identity and access")

    def ready(self) -> None:
        # Connect the login receiver; register the session scheme with drf-spectacular.
        from identity import openapi, signals  # noqa: F401
