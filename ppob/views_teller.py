"""The teller's PPOB counter (/staf/kasir/ppob/ on a cooperative's host): sell a prepaid
product or pay a bill for a member or for a shopper without membership, paid in cash
(or, for a member, from their simpanan sukarela); the receipt on screen, printable, and
as a PDF for A4 or a 58 mm roll. Pages are read by the cooperative's staff; selling
needs a writing role (kasir, manajer, pengurus). Views check input, call one service,
render; a refusal is shown with the service's message, status 400, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from federation.errors import RefusedError
from identity import access
from identity.decorators import staff_required
from identity.models import User
from registry.models import Cooperative

from ppob import pages, selectors
from ppob.exceptions import NumberInvalid
from ppob.forms import BillPayForm, SaleConfirmForm, SaleForm, request_key
from ppob.models import Channel, Inquiry, InquiryStatus, PaymentMethod, PriceTier, Product, Purchase
from ppob.receipt_pdf import receipt_pdf
from ppob.services.purchases import inquiry_create, postpaid_purchase_create, purchase_create
from tenants import books

CALLER = "ppob"
PER_PAGE = 30
View = Callable[..., HttpResponse]


def _read_or_write(view: View) -> View:
    """GET for the cooperative's staff, POST for those who may write."""
    read, write = staff_required()(view), staff_required(write=True)(view)

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return (write if request.method == "POST" else read)(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def _cooperative() -> Cooperative:
    cooperative = access.current_cooperative()
    if cooperative is None:
        raise Http404
    return cooperative


@staff_required()
def index(request: HttpRequest) -> HttpResponse:
    cooperative = _cooperative()
    return render(
        request,
        "ppob/teller/index.html",
        {
            "categories": selectors.categories_offered(),
            "recent": selectors.purchases_of(cooperative)[:10],
            "can_write": access.can_write_in(request.user, cooperative),
        },
    )


@staff_required()
def category(request: HttpRequest, category: str) -> HttpResponse:
    pages.category_or_404(category)
    brand = request.GET.get("brand", "").strip()
    shelf = pages.shelf(category, brand=brand, tier=PriceTier.MEMBER)
    others = {
        offer.product.sku: offer.price
        for offer in selectors.catalogue(
            category=category, brand=brand or None, tier=PriceTier.NONMEMBER
        )
    }
    groups = [
        (name, [(offer, others.get(offer.product.sku)) for offer in offers])
        for name, offers in shelf.groups
    ]
    return render(
        request,
        "ppob/teller/category.html",
        {
            "category": category,
            "category_name": pages.category_label(category),
            "shelf": shelf,
            "groups": groups,
        },
    )


def _sale_page(
    request: HttpRequest,
    product: Product,
    form: SaleForm,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = pages.offer_context(product, selectors.offer_of(product, tier=PriceTier.MEMBER))
    context.update(
        {
            "form": form,
            "key": request_key(),
            "errors": errors or [],
            "nonmember": selectors.offer_of(product, tier=PriceTier.NONMEMBER),
        }
    )
    return render(request, "ppob/teller/sale.html", context, status=status)


def _buyer(cooperative: Cooperative, form: SaleForm) -> str | None:
    """The member number typed (checked through the books' door), "" for a shopper, or
    None when the form got an error."""
    typed = form.cleaned_data["member_number"].strip()
    if typed:
        ref = books.member_find(cooperative, CALLER, member_number=typed)
        if ref is None:
            form.add_error("member_number", _("There is no such member in this cooperative."))
            return None
        if ref.status != "active":
            form.add_error("member_number", _("This member is not active."))
            return None
        typed = ref.member_number
    if form.cleaned_data["payment_method"] == PaymentMethod.SUKARELA and not typed:
        form.add_error(
            "payment_method",
            _("Only a member can pay from simpanan sukarela; a shopper pays cash."),
        )
        return None
    return typed


@_read_or_write
@require_http_methods(["GET", "HEAD", "POST"])
def sale(request: HttpRequest, sku: str) -> HttpResponse:
    """The sale's form. A prepaid product goes on to the confirmation with the price for
    a member or a shopper; a bill is looked up (inquiry_create) and shown on its page."""
    cooperative = _cooperative()
    found = pages.product_or_404(sku)
    if request.method != "POST":
        return _sale_page(request, found, SaleForm())
    form = SaleForm(request.POST)
    if not form.is_valid():
        return _sale_page(request, found, form, status=400)
    member_number = _buyer(cooperative, form)
    if member_number is None:
        return _sale_page(request, found, form, status=400)
    tier = PriceTier.MEMBER if member_number else PriceTier.NONMEMBER
    offer = selectors.offer_of(found, tier=tier)
    if not offer.available:
        return _sale_page(request, found, form, errors=[offer.reason], status=400)
    if pages.is_bill(found):
        return _inquiry(request, cooperative, member_number, found, form)
    try:
        checked = pages.number_check(found, form.cleaned_data["customer_no"])
    except RefusedError as exc:
        form.add_error("customer_no", exc)
        return _sale_page(request, found, form, status=400)
    context = pages.offer_context(found, offer)
    context.update(
        {
            "checked": checked,
            "member_number": member_number,
            "shopper_name": form.cleaned_data["shopper_name"].strip(),
            "payment_method": form.cleaned_data["payment_method"],
            "form": SaleConfirmForm(
                initial={
                    "customer_no": checked.customer_no,
                    "member_number": member_number,
                    "shopper_name": form.cleaned_data["shopper_name"].strip(),
                    "payment_method": form.cleaned_data["payment_method"],
                    "key": request_key(),
                }
            ),
        }
    )
    return render(request, "ppob/teller/confirm.html", context)


def _inquiry(
    request: HttpRequest,
    cooperative: Cooperative,
    member_number: str,
    found: Product,
    form: SaleForm,
) -> HttpResponse:
    try:
        inquiry = inquiry_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=form.cleaned_data["key"] or request_key(),
            sku=found.sku,
            customer_no=form.cleaned_data["customer_no"],
            member_number=member_number,
        )
    except NumberInvalid as exc:
        form.add_error("customer_no", exc)
        return _sale_page(request, found, form, status=400)
    except RefusedError as exc:
        return _sale_page(request, found, form, errors=pages.refusal_messages(exc), status=400)
    if inquiry.status != InquiryStatus.OPEN:
        return _sale_page(request, found, form, errors=[pages.inquiry_failure(inquiry)], status=400)
    return redirect("tenants:teller:ppob:bill", reference=inquiry.ref_id)


@staff_required(write=True)
@require_POST
def sale_pay(request: HttpRequest, sku: str) -> HttpResponse:
    """The confirmation: sell it."""
    cooperative = _cooperative()
    found = pages.product_or_404(sku)
    form = SaleConfirmForm(request.POST)
    retry = SaleForm(
        initial={
            name: request.POST.get(name, "")[:100]
            for name in ("customer_no", "member_number", "shopper_name", "payment_method")
        }
    )
    if not form.is_valid():
        return _sale_page(request, found, retry, status=400)
    data = form.cleaned_data
    try:
        created = purchase_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=data["key"],
            sku=found.sku,
            customer_no=data["customer_no"],
            payment_method=data["payment_method"],
            member_number=data["member_number"],
            shopper_name=data["shopper_name"],
            channel=Channel.TELLER,
        )
    except RefusedError as exc:
        return _sale_page(request, found, retry, errors=pages.refusal_messages(exc), status=400)
    return redirect("tenants:teller:ppob:receipt", reference=created.purchase.ref_id)


def _inquiry_or_404(cooperative: Cooperative, reference: str) -> Inquiry:
    inquiry = selectors.inquiry_of(cooperative, reference)
    if inquiry is None:
        raise Http404("No such bill inquiry here.")
    return inquiry


def _bill_page(
    request: HttpRequest,
    inquiry: Inquiry,
    *,
    form: BillPayForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "ppob/teller/bill.html",
        {
            "inquiry": inquiry,
            "fee": pages.bill_fee(inquiry),
            "expired": inquiry.valid_until <= timezone.now(),
            "form": form or BillPayForm(),
            "key": request_key(),
            "errors": errors or [],
            "can_write": access.can_write_in(request.user, _cooperative()),
        },
        status=status,
    )


@staff_required()
def bill(request: HttpRequest, reference: str) -> HttpResponse:
    inquiry = _inquiry_or_404(_cooperative(), reference)
    paid = selectors.purchase_of_inquiry(inquiry)
    if paid is not None:
        return redirect("tenants:teller:ppob:receipt", reference=paid.ref_id)
    return _bill_page(request, inquiry)


@staff_required(write=True)
@require_POST
def bill_pay(request: HttpRequest, reference: str) -> HttpResponse:
    cooperative = _cooperative()
    inquiry = _inquiry_or_404(cooperative, reference)
    form = BillPayForm(request.POST)
    if not form.is_valid():
        return _bill_page(request, inquiry, form=form, status=400)
    try:
        created = postpaid_purchase_create(
            actor=request.user,
            cooperative=cooperative,
            request_key=form.cleaned_data["key"],
            inquiry_ref=inquiry.ref_id,
            payment_method=form.cleaned_data["payment_method"],
            shopper_name=form.cleaned_data["shopper_name"],
            channel=Channel.TELLER,
        )
    except RefusedError as exc:
        return _bill_page(
            request, inquiry, form=form, errors=pages.refusal_messages(exc), status=400
        )
    return redirect("tenants:teller:ppob:receipt", reference=created.purchase.ref_id)


def _purchase_or_404(reference: str) -> Purchase:
    purchase = selectors.purchase_of(_cooperative(), reference)
    if purchase is None:
        raise Http404("No such purchase here.")
    return purchase


def _teller_name(purchase: Purchase) -> str:
    if purchase.created_by_id is None:
        return ""
    user = User.objects.filter(pk=purchase.created_by_id).first()
    return user.get_full_name() if user is not None else ""


@staff_required()
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    purchase = _purchase_or_404(reference)
    return render(
        request,
        "ppob/teller/receipt.html",
        {
            "purchase": purchase,
            "receipt": selectors.receipt(purchase),
            "teller": _teller_name(purchase),
            "refresh": pages.RECEIPT_REFRESH_SECONDS if not purchase.is_final else None,
            "pdf_a4": reverse("tenants:teller:ppob:receipt_pdf", args=[reference, "a4"]),
            "pdf_58": reverse("tenants:teller:ppob:receipt_pdf", args=[reference, "58mm"]),
        },
    )


@staff_required()
def receipt_pdf_view(request: HttpRequest, reference: str, layout: str) -> HttpResponse:
    if layout not in ("a4", "58mm"):
        raise Http404
    purchase = _purchase_or_404(reference)
    pdf = receipt_pdf(
        selectors.receipt(purchase),
        layout="a4" if layout == "a4" else "58mm",
        payment_method=purchase.payment_method,
        teller=_teller_name(purchase),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{purchase.ref_id}-{layout}.pdf"'
    return response


@staff_required()
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.purchases_of(_cooperative()), PER_PAGE)
    return render(
        request, "ppob/teller/history.html", {"page_obj": page.get_page(request.GET.get("page"))}
    )
