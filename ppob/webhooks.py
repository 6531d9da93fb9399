"""The provider's webhook endpoint, on the bare domain: /ppob/webhook/ (the URL is set in
the provider's dashboard). No login and no CSRF token: the HMAC signature over the raw
body is the authentication."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ppob.providers import ProviderUnavailable
from ppob.services.webhooks import webhook_receive

BODY_MAX = 256 * 1024


@csrf_exempt
@require_POST
def provider_webhook(request: HttpRequest) -> JsonResponse:
    if len(request.body) > BODY_MAX:
        return JsonResponse({"ok": False, "outcome": "too_large"}, status=413)
    try:
        answer = webhook_receive(
            body=request.body,
            signature=request.headers.get("X-Hub-Signature", ""),
            event=request.headers.get("X-Digiflazz-Event", ""),
            delivery_id=request.headers.get("X-Digiflazz-Delivery", ""),
        )
    except ProviderUnavailable:
        return JsonResponse({"ok": False, "outcome": "off"}, status=503)
    return JsonResponse(
        {"ok": answer.status < 300, "outcome": answer.outcome}, status=answer.status
    )
