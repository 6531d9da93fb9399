from django.apps import AppConfig


class PpobConfig(AppConfig):
    name = "ppob"
