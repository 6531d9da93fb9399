"""A view that fails while handling personal data, for the Sentry scrubbing test."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

logger = logging.getLogger("tests.ops.boom")


@csrf_exempt
def register_member(request: HttpRequest) -> HttpResponse:
    is_json = request.content_type == "application/json"
    form: Any = json.loads(request.body) if is_json else request.POST
    nama = form["nama"]
    nik = form["nik"]
    logger.info("registering member %s with NIK %s, e-mail %s", nama, nik, form["email"])
    raise RuntimeError(
        f"gagal mendaftarkan {nama} (NIK {nik}, {form['email']}, hp {form['no_hp']}, "
        f"sandi {form['password']}, auth {request.headers.get('Authorization')})"
    )


urlpatterns = [path("daftar", register_member)]
