from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeadofficeConfig(AppConfig):
    name = "headoffice"
    verbose_name = _("Head office")
