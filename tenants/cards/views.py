"""The member-card pages: card and sheet PDFs, the scan page that opens the teller's
member page, and the activation code screen. Views validate, call one service or
selector, render; a refusal is shown on the form with a 4xx status."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from identity.decorators import staff_required

from tenants.cards import selectors
from tenants.cards.forms import ActivationForm, ScanForm, SheetForm
from tenants.cards.pdf import card_pdf, sheet_pdf
from tenants.members.selectors import member_find_by_number
from tenants.memberweb.services import member_activation_issue


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _index(request: HttpRequest, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("sheet_form", SheetForm())
    return render(request, "cards/index.html", context, status=status)


@staff_required()
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@staff_required()
@require_GET
def card_pdf_view(request: HttpRequest, number: str) -> HttpResponse:
    member = member_find_by_number(number)
    if member is None:
        raise Http404(_("No member has this number."))
    card = selectors.card_data(member)
    return _pdf(card_pdf([card]), f"kartu-{card.member_number}.pdf")


@staff_required()
@require_GET
def sheet_pdf_view(request: HttpRequest) -> HttpResponse:
    form = SheetForm(request.GET)
    if form.is_valid():
        members, missing = selectors.members_by_numbers(form.cleaned_data["nomor"])
        if missing:
            form.add_error(
                "nomor",
                _("No member has these numbers: %(numbers)s") % {"numbers": ", ".join(missing)},
            )
        elif not members:
            form.add_error("nomor", _("Give at least one member number."))
        else:
            cards = [selectors.card_data(member) for member in members]
            return _pdf(sheet_pdf(cards), "kartu-anggota.pdf")
    return _index(request, status=400, sheet_form=form)


@staff_required()
@require_http_methods(["GET", "HEAD", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ScanForm(request.POST)
        if form.is_valid():
            try:
                member = selectors.card_member(form.cleaned_data["token"])
            except ValidationError as exc:
                form.add_error("token", exc)
            else:
                query = urlencode({"nomor": member.member_number})
                return redirect(f"{reverse('tenants:teller:member_lookup')}?{query}")
        status = 400
    else:
        form = ScanForm()
    return render(request, "cards/scan.html", {"form": form}, status=status)


@never_cache
@staff_required(write=True)
@require_http_methods(["GET", "HEAD", "POST"])
def activation(request: HttpRequest) -> HttpResponse:
    """The code is shown in the response to the POST that made it and nowhere else."""
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        form = ActivationForm(request.POST)
        if form.is_valid():
            member = member_find_by_number(form.cleaned_data["nomor"])
            if member is None:
                form.add_error("nomor", _("No member has this number."))
                status = 404
            else:
                try:
                    issued, code = member_activation_issue(actor=request.user, member=member)
                except ValidationError as exc:
                    form.add_error(None, exc)
                    status = 400
                else:
                    context.update({"member": member, "code": code, "issued": issued})
                    form = ActivationForm()
        else:
            status = 400
    else:
        form = ActivationForm()
    context["form"] = form
    return render(request, "cards/activation.html", context, status=status)
