"""A member's loan pages on the phone, mounted at /anggota/pinjaman/: their loans with what
is due and when, each loan's schedule with what is paid, and an application from the
phone, which then waits for the staff's survey and decision. Small pages, no script."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from identity.decorators import member_required

from tenants.ledger.periods import business_today
from tenants.loans import selectors
from tenants.loans.forms import ApplicationForm
from tenants.loans.services import loan_apply
from tenants.loans.views import product_chosen
from tenants.memberweb.selectors import member_of_user
from tenants.models import Loan, LoanStatus, Member


def _member(request: HttpRequest) -> Member:
    member = member_of_user(request.user)
    if member is None:
        raise Http404("No member record is linked to this login.")
    return member


def _own_loan(member: Member, pk: int) -> Loan:
    """The member's own loan; anyone else's (or another cooperative's) is not found."""
    loan = selectors.loan_get(pk)
    if loan is None or loan.member_id != member.pk:
        raise Http404("No loan of yours has this number.")
    return loan


def loan_summary(loan: Loan) -> dict[str, Any]:
    """What the member's list shows of a loan: for a running one, what is due now and the
    next instalment."""
    dues = selectors.loan_dues(loan) if loan.status == LoanStatus.ACTIVE else None
    return {"loan": loan, "dues": dues}


@member_required()
def index(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    loans = [loan_summary(loan) for loan in selectors.loans_of_member(member)]
    return render(request, "loans/member/index.html", {"member": member, "loans": loans})


@member_required()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request)
    loan = _own_loan(member, pk)
    today = business_today()
    context: dict[str, Any] = {"loan": loan, "member": member}
    if loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED):
        context["schedule"] = selectors.loan_schedule(loan, today)
    elif loan.status in (LoanStatus.APPLIED, LoanStatus.APPROVED):
        context["preview"] = selectors.loan_schedule_preview(loan, today)
    if loan.status == LoanStatus.ACTIVE:
        context["dues"] = selectors.loan_dues(loan, today)
    return render(request, "loans/member/detail.html", context)


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """An application from the phone: the product (by its link), amount, term, purpose,
    and the collateral and guarantors the product asks for."""
    member = _member(request)
    products = list(selectors.loan_products())
    posted = request.POST if request.method == "POST" else None
    code = (posted.get("product", "") if posted else request.GET.get("produk", "")).strip()
    product = product_chosen(code, products)
    form = ApplicationForm(posted, product=product, staff=False)
    if posted is not None and form.is_valid():
        try:
            loan = loan_apply(
                actor=request.user,
                channel="member",
                member=member,
                product=product,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Your application is sent. The cooperative's staff will review it."),
            )
            return redirect("tenants:memberweb:loans:detail", pk=loan.pk)
    return render(
        request,
        "loans/member/apply.html",
        {"member": member, "products": products, "product": product, "form": form},
        status=400 if posted is not None else 200,
    )
