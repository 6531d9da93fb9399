"""Loaded before Django: the test suite always runs with the test profile."""

import os

os.environ.setdefault("DJANGO_ENV", "test")
