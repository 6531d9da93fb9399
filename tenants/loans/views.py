"""The staff loan pages, mounted at staf/pinjaman/ on a cooperative's host: the list and
the portfolio report, a new application, and a loan's page with every step after it
(survey, decision, disbursement, repayments at the counter, payoff quote,
rescheduling) and its audit trail.

Views validate, call one service, render. A refusal (maker-checker, the committee's role,
an amount out of range ...) is the service's own message, shown on the form with status
400, and nothing is written. Who may press which button is the services' rule too; the
guards here only keep members out of staff pages and pengawas from writing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from identity import access
from identity.decorators import staff_required
from money.rupiah import format_rupiah

from tenants.ledger.periods import business_today
from tenants.loans import selectors
from tenants.loans.access import can_decide_loans, can_enter_loans
from tenants.loans.documents import (
    officer_label,
    percent_text,
    portfolio_table,
    repayment_receipt,
)
from tenants.loans.forms import (
    ApplicationForm,
    ApproveForm,
    DayForm,
    DisburseForm,
    LoanFilterForm,
    MemberSearchForm,
    RejectForm,
    RepaymentForm,
    RescheduleForm,
    SurveyForm,
)
from tenants.loans.products import fast_track_check
from tenants.loans.services import (
    loan_apply,
    loan_approve,
    loan_disburse,
    loan_reject,
    loan_repay,
    loan_reschedule,
    loan_survey_note_add,
)
from tenants.members.selectors import member_find_by_number, member_search
from tenants.models import Loan, LoanPayoutTo, LoanProduct, LoanStatus
from tenants.reports.excel import table_xlsx
from tenants.reports.pdf import table_pdf
from tenants.reports.table import cell_text
from tenants.teller.forms import rupiah_parse
from tenants.teller.receipts import receipt_pdf

PER_PAGE = 25
GET_OR_POST = ["GET", "HEAD", "POST"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The loan's steps in the audit log, in words.
ACTION_LABELS = {
    "loans.loan.apply": gettext_lazy("Application recorded"),
    "loans.loan.survey": gettext_lazy("Survey recorded"),
    "loans.loan.approve": gettext_lazy("Approved"),
    "loans.loan.reject": gettext_lazy("Rejected"),
    "loans.loan.disburse": gettext_lazy("Paid out"),
    "loans.loan.repayment": gettext_lazy("Repayment"),
    "loans.loan.prepayment": gettext_lazy("Repayment with principal paid ahead"),
    "loans.loan.payoff": gettext_lazy("Paid off"),
    "loans.loan.reschedule": gettext_lazy("Rescheduled"),
}


def _loan(pk: int) -> Loan:
    """A loan of this cooperative (another cooperative's id means nothing here)."""
    loan = selectors.loan_get(pk)
    if loan is None:
        raise Http404(_("No loan has this number."))
    return loan


def _detail_url(loan: Loan) -> str:
    return reverse("tenants:loans:detail", args=[loan.pk])


# The list and the portfolio ----------------------------------------------------------


@staff_required()
def loan_list(request: HttpRequest) -> HttpResponse:
    officers = selectors.staff_names(set(selectors.loan_officer_ids()))
    form = LoanFilterForm(request.GET or None, officers=officers)
    loans = selectors.loans_filtered()
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            loans = selectors.loans_filtered(
                status=data["status"],
                bank_class=data["kolektibilitas"],
                officer_id=data["petugas"],
                member_number=data["anggota"],
            )
        else:
            loans = loans.none()
    page = Paginator(loans, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "loans/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": [(loan, officer_label(loan.officer_id, officers)) for loan in page],
            "can_write": can_enter_loans(request.user, access.current_cooperative()),
        },
        status=400 if form.errors else 200,
    )


@staff_required()
def portfolio(request: HttpRequest) -> HttpResponse:
    """The portfolio on a day (today by default): on screen, ?format=pdf or ?format=xlsx."""
    form = DayForm(request.GET or None, label=_("As of"))
    if form.is_valid() and form.day() > business_today():
        form.add_error("tanggal", _("The date cannot be in the future."))
    if form.is_bound and not form.is_valid():
        return render(request, "loans/portfolio.html", {"form": form}, status=400)
    report = selectors.portfolio_report(form.day())
    names = selectors.staff_names({o.officer_id for o in report.officers if o.officer_id})
    table = portfolio_table(report, names)
    cooperative = access.current_cooperative()
    organisation = cooperative.name if cooperative is not None else ""
    filename = f"portofolio-pinjaman-{report.as_of.isoformat()}"
    wanted = request.GET.get("format", "")
    if wanted == "pdf":
        response = HttpResponse(
            table_pdf(table, organisation=organisation), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
        return response
    if wanted == "xlsx":
        response = HttpResponse(table_xlsx(table, organisation=organisation), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    rows = [
        {
            "style": row.style,
            "cells": [
                {"text": cell_text(value), "numeric": column.numeric}
                for column, value in zip(table.columns, row.cells, strict=True)
            ],
        }
        for row in table.rows
    ]
    return render(
        request,
        "loans/portfolio.html",
        {
            "form": form,
            "report": report,
            "table": table,
            "rows": rows,
            "npl": percent_text(report.total.npl_percent),
            "par30": percent_text(report.total.par30_percent),
            "allowance": percent_text(report.allowance_percent),
            "as_of": report.as_of.isoformat(),
        },
    )


# A new application --------------------------------------------------------------------


@staff_required(write=True)
def application_member(request: HttpRequest) -> HttpResponse:
    """Step one: find the member by number or name."""
    form = MemberSearchForm(request.GET or None)
    found = list(member_search(form.cleaned_data["q"])) if form.is_valid() else []
    return render(
        request,
        "loans/application_search.html",
        {"form": form, "found": found, "searched": form.is_bound},
    )


def product_chosen(code: str, products: list[LoanProduct]) -> LoanProduct:
    for product in products:
        if product.code == code:
            return product
    if code:
        raise Http404(_("This loan product is not offered."))
    if not products:
        raise Http404(_("This cooperative offers no loan product."))
    return products[0]


@staff_required(write=True)
@require_http_methods(GET_OR_POST)
def application_new(request: HttpRequest, number: str) -> HttpResponse:
    """Step two: the product (chosen by its link), amount, term, purpose and the security
    the product asks for. The service checks every rule."""
    member = member_find_by_number(number)
    if member is None:
        raise Http404(_("No member has this number."))
    products = list(selectors.loan_products())
    posted = request.POST if request.method == "POST" else None
    code = (posted.get("product", "") if posted else request.GET.get("produk", "")).strip()
    product = product_chosen(code, products)
    form = ApplicationForm(posted, product=product, staff=True, find_member=member_find_by_number)
    if posted is not None and form.is_valid():
        try:
            loan = loan_apply(
                actor=request.user,
                channel="staff",
                member=member,
                product=product,
                **form.service_arguments(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Application %(number)s is recorded: it waits for its survey and decision.")
                % {"number": f"#{loan.pk}"},
            )
            return redirect(_detail_url(loan))
    return render(
        request,
        "loans/application_form.html",
        {"member": member, "products": products, "product": product, "form": form},
        status=400 if posted is not None else 200,
    )


# A loan's page ------------------------------------------------------------------------


def _trail(entries: list[Any], names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "entry": entry,
            "label": str(ACTION_LABELS.get(entry.action, entry.action)),
            "who": names.get(entry.actor_id or 0, entry.actor_label),
            "amount": entry.data.get("amount"),
            "note": entry.data.get("note") or entry.data.get("reason") or "",
        }
        for entry in entries
    ]


def _detail_context(request: HttpRequest, loan: Loan, **forms: Any) -> dict[str, Any]:
    cooperative = access.current_cooperative()
    today = business_today()
    notes = list(loan.survey_notes.order_by("id"))
    entries = list(selectors.loan_audit_trail(loan))
    people = {
        loan.entered_by_id,
        loan.officer_id,
        loan.decided_by_id,
        loan.disbursed_by_id,
        *(note.recorded_by_id for note in notes),
        *(entry.actor_id for entry in entries),
    }
    names = selectors.staff_names({pk for pk in people if pk})
    context: dict[str, Any] = {
        "loan": loan,
        "member": loan.member,
        "names": {
            "entered_by": names.get(loan.entered_by_id or 0, ""),
            "officer": names.get(loan.officer_id or 0, ""),
            "decided_by": names.get(loan.decided_by_id or 0, ""),
            "disbursed_by": names.get(loan.disbursed_by_id or 0, ""),
        },
        "guarantors": list(loan.guarantors.select_related("member")),
        "notes": [(note, names.get(note.recorded_by_id or 0, "")) for note in notes],
        "repayments": list(selectors.loan_repayments(loan)),
        "trail": _trail(entries, names),
        "can_write": can_enter_loans(request.user, cooperative),
        "can_decide": can_decide_loans(request.user, cooperative),
        "fees": loan.admin_fee + loan.provisi_fee,
        "is_maker": loan.entered_by_id is not None and loan.entered_by_id == request.user.pk,
    }
    if loan.status == LoanStatus.APPLIED:
        context["preview"] = selectors.loan_schedule_preview(loan, today)
        fast = fast_track_check(
            product=loan.product,
            member=loan.member,
            amount=loan.amount,
            term_months=loan.term_months,
            on=today,
        )
        context["fast_track"] = fast
        context["fast_track_today"] = fast.eligible and loan.applied_on == today
        context["survey_form"] = forms.get("survey_form") or SurveyForm()
        context["approve_form"] = forms.get("approve_form") or ApproveForm()
        context["reject_form"] = forms.get("reject_form") or RejectForm()
    if loan.status == LoanStatus.APPROVED:
        context["disburse_form"] = forms.get("disburse_form") or DisburseForm()
        context["payout_deducted"] = loan.amount - context["fees"]
    if loan.status in (LoanStatus.ACTIVE, LoanStatus.CLOSED):
        context["schedule"] = selectors.loan_schedule(loan, today)
        versions = selectors.loan_schedule_versions(loan, today)
        context["versions"] = versions if len(versions) > 1 else []
    if loan.status == LoanStatus.ACTIVE:
        context["dues"] = selectors.loan_dues(loan, today)
    return context


def _decided_by(request: HttpRequest, loan: Loan, outcome: str, error: ValidationError) -> bool:
    """A second submit of a decision this person has just made (a double click)."""
    if getattr(error, "code", "") != "loan_decided":
        return False
    now = selectors.loan_get(loan.pk)
    return now is not None and now.status == outcome and now.decided_by_id == request.user.pk


def _detail(request: HttpRequest, loan: Loan, *, status: int = 200, **forms: Any) -> HttpResponse:
    """The loan's page as it is now (a refusal may be the news that someone else acted on
    it first); a refused form shows its message on itself, or at the top of the page when
    the loan has moved on and that form is no longer there."""
    fresh = selectors.loan_get(loan.pk) or loan
    context = _detail_context(request, fresh, **forms)
    context["refusals"] = [
        message
        for name, form in forms.items()
        if context.get(name) is not form
        for message in form.non_field_errors()
    ]
    return render(request, "loans/detail.html", context, status=status)


@staff_required()
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _loan(pk))


@staff_required(write=True)
@require_POST
def survey_add(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(pk)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            loan_survey_note_add(actor=request.user, loan=loan, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The survey note is recorded."))
            return redirect(_detail_url(loan))
    return _detail(request, loan, status=400, survey_form=form)


@staff_required(write=True)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """The service decides whether this person may approve (maker-checker, the committee
    or the fast track: decision 0009) and says why not."""
    loan = _loan(pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            decided = loan_approve(actor=request.user, loan=loan, note=form.cleaned_data["note"])
        except ValidationError as exc:
            if _decided_by(request, loan, LoanStatus.APPROVED, exc):
                return redirect(_detail_url(loan))
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Loan %(number)s is approved (%(route)s).")
                % {"number": f"#{decided.pk}", "route": decided.get_route_display()},
            )
            return redirect(_detail_url(loan))
    return _detail(request, loan, status=400, approve_form=form)


@staff_required(write=True)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            loan_reject(actor=request.user, loan=loan, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if _decided_by(request, loan, LoanStatus.REJECTED, exc):
                return redirect(_detail_url(loan))
            form.add_error(None, exc)
        else:
            messages.success(request, _("The application is rejected."))
            return redirect(_detail_url(loan))
    return _detail(request, loan, status=400, reject_form=form)


@staff_required(write=True)
@require_POST
def disburse(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(pk)
    form = DisburseForm(request.POST)
    if form.is_valid():
        arguments = form.service_arguments()
        try:
            paid = loan_disburse(actor=request.user, loan=loan, **arguments)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            fees = paid.admin_fee + paid.provisi_fee
            payout = paid.amount - fees if paid.fees_deducted else paid.amount
            where = (
                _("into simpanan sukarela")
                if paid.payout_to == LoanPayoutTo.SUKARELA
                else _("in cash")
            )
            messages.success(
                request,
                _("Loan %(number)s is paid out: %(amount)s %(where)s.")
                % {"number": f"#{paid.pk}", "amount": format_rupiah(payout), "where": where},
            )
            return redirect(_detail_url(loan))
    return _detail(request, loan, status=400, disburse_form=form)


# Money at the counter -----------------------------------------------------------------


@staff_required(write=True)
@require_http_methods(GET_OR_POST)
def repay(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment at the counter, dated today. The form's hidden key makes a second submit
    of the same page return the first payment's receipt."""
    loan = _loan(pk)
    status = 200
    if request.method == "POST":
        form = RepaymentForm(request.POST)
        if form.is_valid():
            try:
                made = loan_repay(
                    actor=request.user,
                    loan=loan,
                    amount=form.cleaned_data["amount"],
                    idempotency_key=form.cleaned_data["key"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("tenants:loans:receipt", pk=made.pk)
        status = 400
    else:
        suggested = request.GET.get("jumlah", "").strip()
        form = RepaymentForm(initial={"amount": suggested} if rupiah_parse(suggested) else {})
    dues = selectors.loan_dues(loan) if loan.status == LoanStatus.ACTIVE else None
    return render(
        request,
        "loans/repay.html",
        {"loan": loan, "member": loan.member, "dues": dues, "form": form},
        status=status,
    )


@staff_required()
def payoff_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """What closes the loan on a day (today by default): penalty, interest due, the
    running month's interest and the principal left."""
    loan = _loan(pk)
    form = DayForm(request.GET or None, label=_("Payoff on"))
    if loan.status != LoanStatus.ACTIVE:
        return render(
            request, "loans/payoff.html", {"loan": loan, "form": form, "dues": None}, status=400
        )
    day: date = form.day()
    bad = form.is_bound and not form.is_valid()
    earliest = loan.disbursed_on or day
    if not bad and day < earliest:
        form.add_error(
            "tanggal",
            _("The date cannot be before %(date)s.") % {"date": earliest.strftime("%d-%m-%Y")},
        )
        bad = True
    dues = None if bad else selectors.loan_dues(loan, day)
    return render(
        request,
        "loans/payoff.html",
        {
            "loan": loan,
            "member": loan.member,
            "form": form,
            "dues": dues,
            "day": day,
            "is_today": day == business_today(),
        },
        status=400 if bad else 200,
    )


@staff_required(board=True)
@require_http_methods(GET_OR_POST)
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee gives a running loan a new term (and rate) from a day on."""
    loan = _loan(pk)
    status = 200
    version = selectors.loan_schedule_version(loan)
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid() and form.cleaned_data["version"] != version:
            # The page was submitted again (or another committee member was quicker).
            messages.info(
                request,
                _("The schedule changed since the page was opened; nothing was rescheduled."),
            )
            return redirect(_detail_url(loan))
        if form.is_valid():
            try:
                made = loan_reschedule(actor=request.user, loan=loan, **form.service_arguments())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Loan %(number)s is rescheduled (schedule version %(version)s).")
                    % {"number": f"#{loan.pk}", "version": made.version},
                )
                return redirect(_detail_url(loan))
        status = 400
    else:
        form = RescheduleForm(initial={"version": version})
    dues = selectors.loan_dues(loan) if loan.status == LoanStatus.ACTIVE else None
    return render(
        request,
        "loans/reschedule.html",
        {"loan": loan, "member": loan.member, "dues": dues, "form": form},
        status=status,
    )


def _repayment(pk: int) -> Any:
    made = selectors.loan_repayment_get(pk)
    if made is None:
        raise Http404(_("No loan payment has this number."))
    return made


@staff_required()
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    made = _repayment(pk)
    return render(
        request,
        "loans/receipt.html",
        {
            "receipt": repayment_receipt(made),
            "made": made,
            "pdf_a4": reverse("tenants:loans:receipt_pdf", args=[pk, "a4"]),
            "pdf_58": reverse("tenants:loans:receipt_pdf", args=[pk, "58mm"]),
        },
    )


@staff_required()
def receipt_pdf_view(request: HttpRequest, pk: int, layout: str) -> HttpResponse:
    if layout not in ("a4", "58mm"):
        raise Http404
    made = _repayment(pk)
    document = repayment_receipt(made)
    pdf = receipt_pdf(document, layout="a4" if layout == "a4" else "58mm")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.reference}-{layout}.pdf"'
    return response
