"""A member's PPOB pages on their cooperative's host (/anggota/ppob/): choose a category,
a product (price shown), enter the number (checked), confirm, pay from simpanan
sukarela. A bill: look it up (name, period, bill, admin fee, penalty), confirm within
its validity, pay. The receipt (a pending one refreshes itself, no script) and the
history. Views check input, call one service, render; a refusal is shown with the
service's message, status 400, and nothing written."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from federation.errors import RefusedError
from identity import access
from identity.decorators import member_required
from registry.models import Cooperative

from ppob import pages, selectors
from ppob.exceptions import NumberInvalid
from ppob.forms import ConfirmForm, NumberForm, PayForm, request_key
from ppob.models import Channel, Inquiry, InquiryStatus, PaymentMethod, PriceTier, Product
from ppob.services.purchases import inquiry_create, postpaid_purchase_create, purchase_create
from tenants import books

CALLER = "ppob"
PER_PAGE = 20
TIER = PriceTier.MEMBER


def _member(request: HttpRequest) -> tuple[Cooperative, str]:
    """This host's cooperative and the member number of the logged-in member."""
    cooperative = access.current_cooperative()
    ref = books.member_find(cooperative, CALLER, user_id=request.user.pk)
    if ref is None:
        raise Http404("No member record is linked to this login.")
    return cooperative, ref.member_number


@member_required()
def index(request: HttpRequest) -> HttpResponse:
    cooperative, number = _member(request)
    return render(
        request,
        "ppob/member/index.html",
        {
            "categories": selectors.categories_offered(),
            "recent": selectors.purchases_of(cooperative, member_number=number)[:3],
        },
    )


@member_required()
def category(request: HttpRequest, category: str) -> HttpResponse:
    pages.category_or_404(category)
    _member(request)
    return render(
        request,
        "ppob/member/category.html",
        {
            "category": category,
            "category_name": pages.category_label(category),
            "shelf": pages.shelf(category, brand=request.GET.get("brand", "").strip(), tier=TIER),
        },
    )


def _product_page(
    request: HttpRequest,
    product: Product,
    form: NumberForm,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = pages.offer_context(product, selectors.offer_of(product, tier=TIER))
    context.update({"form": form, "key": request_key(), "errors": errors or []})
    return render(request, "ppob/member/product.html", context, status=status)


@member_required()
@require_http_methods(["GET", "HEAD", "POST"])
def product(request: HttpRequest, sku: str) -> HttpResponse:
    """The number step. A prepaid product goes on to the confirmation; a bill is looked
    up (inquiry_create) and shown on its own page."""
    cooperative, number = _member(request)
    found = pages.product_or_404(sku)
    if request.method != "POST":
        return _product_page(request, found, NumberForm())
    form = NumberForm(request.POST)
    if not form.is_valid():
        return _product_page(request, found, form, status=400)
    offer = selectors.offer_of(found, tier=TIER)
    if not offer.available:
        return _product_page(request, found, form, errors=[offer.reason], status=400)
    if pages.is_bill(found):
        return _inquiry(request, cooperative, number, found, form)
    try:
        checked = pages.number_check(found, form.cleaned_data["customer_no"])
    except RefusedError as exc:
        form.add_error("customer_no", exc)
        return _product_page(request, found, form, status=400)
    context = pages.offer_context(found, offer)
    context.update(
        {
            "checked": checked,
            "form": ConfirmForm(initial={"customer_no": checked.customer_no, "key": request_key()}),
        }
    )
    return render(request, "ppob/member/confirm.html", context)


def _inquiry(
    request: HttpRequest, cooperative: Cooperative, number: str, found: Product, form: NumberForm
) -> HttpResponse:
    try:
        inquiry = inquiry_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=form.cleaned_data["key"] or request_key(),
            sku=found.sku,
            customer_no=form.cleaned_data["customer_no"],
            member_number=number,
        )
    except NumberInvalid as exc:
        form.add_error("customer_no", exc)
        return _product_page(request, found, form, status=400)
    except RefusedError as exc:
        return _product_page(request, found, form, errors=pages.refusal_messages(exc), status=400)
    if inquiry.status != InquiryStatus.OPEN:
        return _product_page(
            request, found, form, errors=[pages.inquiry_failure(inquiry)], status=400
        )
    return redirect("tenants:memberweb:ppob:bill", reference=inquiry.ref_id)


@member_required()
@require_POST
def pay(request: HttpRequest, sku: str) -> HttpResponse:
    """The confirmation: buy it, paid from the member's simpanan sukarela."""
    cooperative, number = _member(request)
    found = pages.product_or_404(sku)
    form = ConfirmForm(request.POST)
    retry = NumberForm(initial={"customer_no": request.POST.get("customer_no", "")[:60]})
    if not form.is_valid():
        return _product_page(request, found, retry, status=400)
    try:
        created = purchase_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=form.cleaned_data["key"],
            sku=found.sku,
            customer_no=form.cleaned_data["customer_no"],
            payment_method=PaymentMethod.SUKARELA,
            member_number=number,
            channel=Channel.MEMBER,
        )
    except RefusedError as exc:
        return _product_page(request, found, retry, errors=pages.refusal_messages(exc), status=400)
    return redirect("tenants:memberweb:ppob:receipt", reference=created.purchase.ref_id)


def _inquiry_or_404(cooperative: Cooperative, number: str, reference: str) -> Inquiry:
    inquiry = selectors.inquiry_of(cooperative, reference, member_number=number)
    if inquiry is None:
        raise Http404("No such bill inquiry of yours.")
    return inquiry


def _bill_page(
    request: HttpRequest, inquiry: Inquiry, *, errors: list[str] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ppob/member/bill.html",
        {
            "inquiry": inquiry,
            "fee": pages.bill_fee(inquiry),
            "expired": inquiry.valid_until <= timezone.now(),
            "form": PayForm(initial={"key": request_key()}),
            "errors": errors or [],
        },
        status=status,
    )


@member_required()
def bill(request: HttpRequest, reference: str) -> HttpResponse:
    cooperative, number = _member(request)
    inquiry = _inquiry_or_404(cooperative, number, reference)
    paid = selectors.purchase_of_inquiry(inquiry)
    if paid is not None:
        return redirect("tenants:memberweb:ppob:receipt", reference=paid.ref_id)
    return _bill_page(request, inquiry)


@member_required()
@require_POST
def bill_pay(request: HttpRequest, reference: str) -> HttpResponse:
    cooperative, number = _member(request)
    inquiry = _inquiry_or_404(cooperative, number, reference)
    form = PayForm(request.POST)
    if not form.is_valid():
        return _bill_page(request, inquiry, status=400)
    try:
        created = postpaid_purchase_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=form.cleaned_data["key"],
            inquiry_ref=inquiry.ref_id,
            payment_method=PaymentMethod.SUKARELA,
            channel=Channel.MEMBER,
        )
    except RefusedError as exc:
        return _bill_page(request, inquiry, errors=pages.refusal_messages(exc), status=400)
    return redirect("tenants:memberweb:ppob:receipt", reference=created.purchase.ref_id)


@member_required()
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    cooperative, number = _member(request)
    purchase = selectors.purchase_of(cooperative, reference, member_number=number)
    if purchase is None:
        raise Http404("No such purchase of yours.")
    context: dict[str, Any] = {
        "purchase": purchase,
        "receipt": selectors.receipt(purchase),
        "refresh": pages.RECEIPT_REFRESH_SECONDS if not purchase.is_final else None,
    }
    return render(request, "ppob/member/receipt.html", context)


@member_required()
def history(request: HttpRequest) -> HttpResponse:
    cooperative, number = _member(request)
    page = Paginator(selectors.purchases_of(cooperative, member_number=number), PER_PAGE)
    return render(
        request, "ppob/member/history.html", {"page_obj": page.get_page(request.GET.get("page"))}
    )
