"""A member's own pages on their cooperative's host: small, server-rendered, no script."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from identity import access
from identity.decorators import member_required

from tenants import selectors as tenant_selectors
from tenants.ledger.periods import business_today
from tenants.memberweb import selectors
from tenants.memberweb.exceptions import ActivationRefused
from tenants.memberweb.forms import ActivationForm
from tenants.memberweb.services import member_activate
from tenants.memberweb.statement_pdf import statement_pdf
from tenants.models import Member

PER_PAGE = 20


def _member(request: HttpRequest) -> Member:
    member = selectors.member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


def _month(request: HttpRequest) -> tuple[int, int]:
    parsed = selectors.month_parse(request.GET.get("bulan"))
    if parsed is None:
        if request.GET.get("bulan"):
            raise Http404("Unknown month.")
        today = business_today()
        return today.year, today.month
    return parsed


@member_required()
def home(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of_user(request.user)
    cooperative = access.current_cooperative()
    if member is None:
        # A login with the anggota role but no member record linked yet (e.g. granted by
        # the board before the register was kept here): the cooperative's card, no numbers.
        return render(
            request,
            "tenants/member_home.html",
            {
                "cooperative": cooperative,
                "my_roles": tenant_selectors.roles_of(request.user, cooperative),
                "is_staff": access.is_staff_of(request.user, cooperative),
            },
        )
    context: dict[str, Any] = {
        "member": member,
        "accounts": selectors.member_balances(member),
        "arrears": selectors.wajib_arrears(member),
    }
    return render(request, "memberweb/home.html", context)


@member_required()
def history(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    page = Paginator(selectors.member_movements(member), PER_PAGE).get_page(request.GET.get("page"))
    movements = list(page)
    statuses = selectors.movement_statuses(movements, access.current_cooperative())
    rows = [(m, statuses.get(m.entry_id) if m.entry_id else None) for m in movements]
    return render(request, "memberweb/history.html", {"page_obj": page, "rows": rows})


@member_required()
def arrears(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    return render(
        request,
        "memberweb/arrears.html",
        {"member": member, "arrears": selectors.wajib_arrears(member)},
    )


@member_required()
def jasa(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    year, month = _month(request)
    breakdown = selectors.jasa_breakdown(member, year, month)
    status = None
    if breakdown is not None and breakdown.entry_id is not None:
        status = selectors.entry_status(
            selectors.member_entry_get(member, breakdown.entry_id), access.current_cooperative()
        )
    return render(
        request,
        "memberweb/jasa.html",
        {"breakdown": breakdown, "month": f"{year}-{month:02d}", "status": status},
    )


@member_required()
def statement(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    year, month = _month(request)
    products = selectors.member_statement(member, year, month)
    cooperative = access.current_cooperative()
    if "unduh" not in request.GET:
        movements = [m for item in products for m in item.movements]
        statuses = selectors.movement_statuses(movements, cooperative)
        sections = [
            (item, [(m, statuses.get(m.entry_id) if m.entry_id else None) for m in item.movements])
            for item in products
        ]
        return render(
            request,
            "memberweb/statement.html",
            {"month": f"{year}-{month:02d}", "sections": sections},
        )
    pdf = statement_pdf(
        cooperative=cooperative, member=member, year=year, month=month, accounts=products
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"simpanan-{member.member_number}-{year}-{month:02d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required()
def proof(request: HttpRequest, entry_id: int) -> HttpResponse:
    member = _member(request)
    entry = selectors.member_entry_get(member, entry_id)
    found = selectors.entry_proof(entry, access.current_cooperative())
    return render(request, "memberweb/proof.html", {"proof": found})


@require_http_methods(["GET", "POST"])
def activate(request: HttpRequest) -> HttpResponse:
    """First login: member number + the teller's code + a new password."""
    from django.contrib.auth import login

    cooperative = access.current_cooperative()
    if cooperative is None:
        raise Http404("Members activate on their cooperative's own address.")
    form = ActivationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = member_activate(cooperative=cooperative, **form.cleaned_data)
        except ActivationRefused as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="tenants.memberweb.backends.MemberNumberBackend")
            return redirect("tenants:member_home")
    status = 400 if request.method == "POST" else 200
    return render(request, "memberweb/activate.html", {"form": form}, status=status)
