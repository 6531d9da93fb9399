"""The teller's desk pages: the drawer, member lookup, deposits and withdrawals, receipts.
Views validate, call one service, render; a refusal is shown on the form with status 400
and nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from identity import access
from identity.decorators import staff_required

from tenants.members.selectors import member_find_by_number
from tenants.models import Member
from tenants.savings.selectors import savings_accounts_of
from tenants.teller import selectors, services
from tenants.teller.access import can_close_others_drawers
from tenants.teller.exceptions import DrawerCloseRefused
from tenants.teller.forms import (
    CounterForm,
    DrawerCloseForm,
    DrawerCloseForOtherForm,
    DrawerOpenForm,
    MemberLookupForm,
)
from tenants.teller.receipts import name_mask, receipt_data, receipt_pdf


def _desk_context(request: HttpRequest) -> dict[str, Any]:
    drawer = selectors.drawer_open_of(request.user.pk)
    totals = selectors.drawer_totals(drawer) if drawer is not None else None
    recent = selectors.drawers_recent(request.user.pk, limit=5)
    closers = selectors.drawer_closers(recent)
    cooperative = access.current_cooperative()
    last = recent[0] if recent and drawer is None else None
    return {
        "drawer": drawer,
        "totals": totals,
        "expected": totals.expected(drawer.opening_count) if drawer and totals else None,
        "movements": selectors.drawer_movements(drawer)[:20] if drawer is not None else [],
        "recent": [(d, closers.get(d.pk)) for d in recent],
        # The teller's last drawer, when the board closed it for them.
        "closed_for_me": (last, closers[last.pk]) if last and last.pk in closers else None,
        "can_write": access.can_write_in(request.user, cooperative),
        "can_supervise": can_close_others_drawers(request.user, cooperative),
        "open_form": DrawerOpenForm(),
        "close_form": DrawerCloseForm(),
        "lookup_form": MemberLookupForm(),
    }


def _desk(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    context = _desk_context(request)
    context.update(forms)
    return render(request, "teller/desk.html", context, status=status)


@staff_required()
def desk(request: HttpRequest) -> HttpResponse:
    return _desk(request)


@staff_required(write=True)
@require_POST
def drawer_open_view(request: HttpRequest) -> HttpResponse:
    form = DrawerOpenForm(request.POST)
    if form.is_valid():
        try:
            services.drawer_open(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your cash drawer is open."))
            return redirect("tenants:teller:desk")
    return _desk(request, status=400, open_form=form)


@staff_required(write=True)
@require_POST
def drawer_close_view(request: HttpRequest) -> HttpResponse:
    form = DrawerCloseForm(request.POST)
    if form.is_valid():
        try:
            drawer = services.drawer_close(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your cash drawer is closed."))
            return render(request, "teller/closed.html", {"drawer": drawer})
    return _desk(request, status=400, close_form=form)


def _drawers(
    request: HttpRequest,
    *,
    status: int = 200,
    failed: tuple[int, DrawerCloseForOtherForm] | None = None,
) -> HttpResponse:
    """The board's page of every open drawer, each with its close form (the one that
    failed keeps its input and errors)."""
    rows = [
        (
            item,
            failed[1]
            if failed and failed[0] == item.drawer.pk
            else DrawerCloseForOtherForm(prefix=f"d{item.drawer.pk}"),
        )
        for item in selectors.drawers_open()
    ]
    stale = failed[1] if failed and failed[0] not in {i.drawer.pk for i, _f in rows} else None
    return render(request, "teller/drawers.html", {"rows": rows, "stale": stale}, status=status)


@staff_required(board=True)
def drawers_view(request: HttpRequest) -> HttpResponse:
    return _drawers(request)


@staff_required(board=True)
@require_POST
def drawer_close_for_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = DrawerCloseForOtherForm(request.POST, prefix=f"d{pk}")
    if form.is_valid():
        try:
            drawer = services.drawer_close_for(
                actor=request.user, drawer_id=pk, **form.cleaned_data
            )
        except DrawerCloseRefused as exc:
            form.add_error(None, exc)
            if exc.code == "not_allowed":
                raise PermissionDenied from exc
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The teller's cash drawer is closed."))
            teller = selectors.teller_name(drawer.teller_id)
            return render(request, "teller/closed.html", {"drawer": drawer, "teller": teller})
    return _drawers(request, status=400, failed=(pk, form))


def _member_context(member: Member) -> dict[str, Any]:
    return {
        "member": member,
        "member_name": name_mask(member.full_name),
        "accounts": list(savings_accounts_of(member).filter(closed_at__isnull=True)),
    }


@staff_required()
def member_lookup(request: HttpRequest) -> HttpResponse:
    form = MemberLookupForm(request.GET or None)
    context: dict[str, Any] = {"lookup_form": form}
    status = 200
    if form.is_valid():
        member = member_find_by_number(form.cleaned_data["nomor"])
        if member is None:
            form.add_error("nomor", _("No member has this number."))
            status = 404
        else:
            context.update(_member_context(member))
    context["drawer"] = selectors.drawer_open_of(request.user.pk)
    return render(request, "teller/member.html", context, status=status)


def _counter(request: HttpRequest, number: str, *, deposit: bool) -> HttpResponse:
    member = member_find_by_number(number)
    if member is None:
        raise Http404(_("No member has this number."))
    accounts = selectors.teller_accounts_of(member.pk, withdrawable=not deposit)
    status = 200
    if request.method == "POST":
        form = CounterForm(request.POST, accounts=accounts)
        if form.is_valid():
            service = services.teller_deposit if deposit else services.teller_withdraw
            try:
                made = service(
                    actor=request.user,
                    account=form.chosen_account(),
                    amount=form.cleaned_data["amount"],
                    idempotency_key=form.cleaned_data["key"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("tenants:teller:receipt", pk=made.pk)
        status = 400
    else:
        form = CounterForm(accounts=accounts)
    context = _member_context(member)
    context.update(
        {
            "form": form,
            "deposit": deposit,
            "drawer": selectors.drawer_open_of(request.user.pk),
        }
    )
    return render(request, "teller/counter.html", context, status=status)


@staff_required()
def _counter_read(request: HttpRequest, number: str, *, deposit: bool) -> HttpResponse:
    return _counter(request, number, deposit=deposit)


@staff_required(write=True)
def _counter_write(request: HttpRequest, number: str, *, deposit: bool) -> HttpResponse:
    return _counter(request, number, deposit=deposit)


@require_http_methods(["GET", "HEAD", "POST"])
def deposit_view(request: HttpRequest, number: str) -> HttpResponse:
    guarded = _counter_write if request.method == "POST" else _counter_read
    return guarded(request, number, deposit=True)


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw_view(request: HttpRequest, number: str) -> HttpResponse:
    guarded = _counter_write if request.method == "POST" else _counter_read
    return guarded(request, number, deposit=False)


def _transaction(pk: int) -> Any:
    made = selectors.teller_transaction_get(pk)
    if made is None:
        raise Http404(_("No counter transaction has this number."))
    return made


@staff_required()
def receipt_view(request: HttpRequest, pk: int) -> HttpResponse:
    made = _transaction(pk)
    return render(
        request,
        "teller/receipt.html",
        {
            "receipt": receipt_data(made),
            "made": made,
            "pdf_a4": reverse("tenants:teller:receipt_pdf", args=[pk, "a4"]),
            "pdf_58": reverse("tenants:teller:receipt_pdf", args=[pk, "58mm"]),
        },
    )


@staff_required()
def receipt_pdf_view(request: HttpRequest, pk: int, layout: str) -> HttpResponse:
    if layout not in ("a4", "58mm"):
        raise Http404
    made = _transaction(pk)
    receipt = receipt_data(made)
    pdf = receipt_pdf(receipt, layout="a4" if layout == "a4" else "58mm")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt.reference}-{layout}.pdf"'
    return response
