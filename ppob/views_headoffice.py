"""The head office's PPOB console on the bare domain (/kantor/ppob/): the catalogue and
its margin rules with the history of prices, live purchases, the pending list and the
review queue (every provider exchange shown, and the decision), the deposit at the
provider, the daily reconciliation and sales by cooperative and category (both exported
to Excel). Every head-office role reads; admins and operators change margins, switch
products, resolve, refresh and sync. Views check input, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from federation.errors import RefusedError
from identity import access
from identity.decorators import head_office_required

from ppob import reports, selectors
from ppob.excel import reconciliation_xlsx, sales_xlsx
from ppob.forms import (
    CatalogueFilterForm,
    DayForm,
    MarginRuleForm,
    PurchaseFilterForm,
    RangeForm,
    ReviewResolveForm,
)
from ppob.models import Category, MarginRule, PriceTier, Purchase, PurchaseStatus, ReviewReason
from ppob.providers.base import ProviderError
from ppob.services.catalogue import catalogue_sync, product_enable
from ppob.services.deposit import deposit_available, deposit_refresh
from ppob.services.pricing import margin_rule_delete, margin_rule_for, margin_rule_set
from ppob.services.review import review_resolve

PER_PAGE = 50
LIVE_REFRESH_SECONDS = 30
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponse]


def _read_or_write(view: View) -> View:
    """GET for every head-office role, POST for the roles that may change things."""
    read, write = head_office_required()(view), head_office_required(write=True)(view)

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return (write if request.method == "POST" else read)(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def _can_write(request: HttpRequest) -> bool:
    return access.can_manage_head_office(request.user)


def _page(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _refused(request: HttpRequest, exc: Exception) -> None:
    if isinstance(exc, RefusedError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, _("The provider did not answer; try again in a moment."))


@head_office_required()
def home(request: HttpRequest) -> HttpResponse:
    start, end = reports.day_bounds(timezone.localdate())
    today = Purchase.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        n=Count("id"),
        sold=Count("id", filter=Q(status=PurchaseStatus.SUCCESS)),
        amount=Sum("price", filter=Q(status=PurchaseStatus.SUCCESS)),
    )
    return render(
        request,
        "ppob/headoffice/home.html",
        {
            "deposit": selectors.deposit_latest(),
            "available": deposit_available(),
            "alert_below": Decimal(str(settings.PPOB_DEPOSIT_ALERT_BELOW)),
            "pending": Purchase.objects.filter(status=PurchaseStatus.PENDING).count(),
            "reviews": selectors.review_open().count(),
            "today": today,
            "can_write": _can_write(request),
        },
    )


# --- catalogue and prices ------------------------------------------------------------------


@head_office_required()
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = {"category": "", "brand": "", "status": ""}
    if form.is_valid():
        filters = {name: form.cleaned_data[name].strip() for name in filters}
    page = _page(request, selectors.products_filtered(**filters))
    rows = [
        (
            product,
            selectors.offer_of(product, tier=PriceTier.MEMBER),
        )
        for product in page
    ]
    return render(
        request,
        "ppob/headoffice/catalogue.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "brands": selectors.product_brands(filters["category"]),
            "can_write": _can_write(request),
        },
    )


@head_office_required(write=True)
@require_POST
def catalogue_sync_view(request: HttpRequest) -> HttpResponse:
    try:
        report = catalogue_sync(actor=request.user)
    except (ProviderError, RefusedError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _(
                "The price list is synced: %(listed)s products, %(created)s new, "
                "%(missing)s missing, %(changes)s price changes."
            )
            % {
                "listed": report.listed,
                "created": report.created,
                "missing": report.missing,
                "changes": report.price_changes,
            },
        )
    return redirect("ppob_headoffice:catalogue")


def _product_or_404(pk: int) -> Any:
    product = selectors.product_get(pk)
    if product is None:
        raise Http404("Unknown product.")
    return product


@head_office_required()
def product(request: HttpRequest, pk: int) -> HttpResponse:
    found = _product_or_404(pk)
    return render(
        request,
        "ppob/headoffice/product.html",
        {
            "product": found,
            "member": selectors.offer_of(found, tier=PriceTier.MEMBER),
            "nonmember": selectors.offer_of(found, tier=PriceTier.NONMEMBER),
            "rule": margin_rule_for(found, selectors.margin_rules()),
            "page_obj": _page(request, selectors.price_changes(product=found)),
            "can_write": _can_write(request),
        },
    )


@head_office_required(write=True)
@require_POST
def product_enable_view(request: HttpRequest, pk: int) -> HttpResponse:
    found = _product_or_404(pk)
    enabled = request.POST.get("enabled") == "1"
    product_enable(actor=request.user, product=found, enabled=enabled)
    if enabled:
        messages.success(request, _("%(sku)s is sold again.") % {"sku": found.sku})
    else:
        messages.success(request, _("%(sku)s is no longer sold.") % {"sku": found.sku})
    return redirect("ppob_headoffice:product", pk=pk)


def _rule_initial(rule: MarginRule) -> dict[str, Any]:
    return {
        "category": rule.category,
        "brand": rule.brand,
        "sku": rule.sku,
        "kind": rule.kind,
        "member_value": f"{rule.member_value.normalize():f}",
        "nonmember_value": f"{rule.nonmember_value.normalize():f}",
    }


def _margins_page(request: HttpRequest, form: MarginRuleForm, *, status: int = 200) -> HttpResponse:
    labels = dict(Category.choices)
    return render(
        request,
        "ppob/headoffice/margins.html",
        {
            "form": form,
            "rules": [
                (rule, labels.get(rule.category, rule.category))
                for rule in selectors.margin_rules()
            ],
            "changes": selectors.price_changes()[:20],
            "can_write": _can_write(request),
        },
        status=status,
    )


@_read_or_write
@require_http_methods(["GET", "HEAD", "POST"])
def margins(request: HttpRequest) -> HttpResponse:
    """The margin rules; the form sets the rule of a scope (a new one, or the one of the
    same category, brand and SKU) and reprices what it covers."""
    if request.method != "POST":
        editing = request.GET.get("ubah", "")
        rule = selectors.margin_rule_get(int(editing)) if editing.isdigit() else None
        return _margins_page(
            request, MarginRuleForm(initial=_rule_initial(rule) if rule else {"kind": "flat"})
        )
    form = MarginRuleForm(request.POST)
    if form.is_valid():
        try:
            rule = margin_rule_set(actor=request.user, **form.cleaned_data)
        except RefusedError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The margin rule %(rule)s is saved; the prices it covers are recomputed.")
                % {"rule": rule_scope(rule)},
            )
            return redirect("ppob_headoffice:margins")
    return _margins_page(request, form, status=400)


def rule_scope(rule: MarginRule) -> str:
    return " / ".join(part or "*" for part in (rule.category, rule.brand, rule.sku))


@head_office_required(write=True)
@require_POST
def margin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = selectors.margin_rule_get(pk)
    if rule is None:
        raise Http404("Unknown margin rule.")
    scope = rule_scope(rule)
    changed = margin_rule_delete(actor=request.user, rule=rule)
    messages.success(
        request,
        _("The margin rule %(rule)s is removed; %(count)s prices changed.")
        % {"rule": scope, "count": changed},
    )
    return redirect("ppob_headoffice:margins")


@head_office_required()
def price_history(request: HttpRequest) -> HttpResponse:
    sku = request.GET.get("sku", "").strip()[:60]
    return render(
        request,
        "ppob/headoffice/prices.html",
        {"sku": sku, "page_obj": _page(request, selectors.price_changes(sku=sku))},
    )


# --- purchases, pending, review --------------------------------------------------------------


@head_office_required()
def purchases(request: HttpRequest) -> HttpResponse:
    form = PurchaseFilterForm(request.GET or None)
    status, cooperative_id = "", None
    if form.is_valid():
        status = form.cleaned_data["status"]
        found = form.cleaned_data["cooperative"]
        cooperative_id = found.pk if found is not None else None
    page = _page(request, selectors.purchases_latest(status=status, cooperative_id=cooperative_id))
    return render(
        request,
        "ppob/headoffice/purchases.html",
        {"form": form, "page_obj": page, "refresh": LIVE_REFRESH_SECONDS},
    )


@head_office_required()
def purchase(request: HttpRequest, reference: str) -> HttpResponse:
    found = selectors.purchase_of_ref(reference)
    if found is None:
        raise Http404("Unknown purchase.")
    return render(
        request,
        "ppob/headoffice/purchase.html",
        {
            "purchase": found,
            "receipt": selectors.receipt(found),
            "events": selectors.purchase_events(found),
            "reviews": selectors.purchase_reviews(found),
        },
    )


@head_office_required()
def pending(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ppob/headoffice/pending.html",
        {
            "page_obj": _page(request, selectors.purchases_pending()),
            "max_hours": settings.PPOB_PENDING_MAX_AGE_HOURS,
            "refresh": LIVE_REFRESH_SECONDS,
        },
    )


@head_office_required()
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ppob/headoffice/reviews.html",
        {"items": selectors.review_queue(), "can_write": _can_write(request)},
    )


def _review_page(
    request: HttpRequest, pk: int, *, form: ReviewResolveForm | None = None, status: int = 200
) -> HttpResponse:
    item = selectors.review_item_get(pk)
    if item is None:
        raise Http404("Unknown review item.")
    return render(
        request,
        "ppob/headoffice/review.html",
        {
            "item": item,
            "purchase": item.purchase,
            "events": selectors.purchase_events(item.purchase),
            "form": form or ReviewResolveForm(),
            "is_money": item.reason == ReviewReason.MONEY,
            "can_write": _can_write(request),
        },
        status=status,
    )


@_read_or_write
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """One review item with every exchange behind its purchase; the decision (writing
    roles) goes through review_resolve, so money moves as for a provider's answer."""
    if request.method != "POST":
        return _review_page(request, pk)
    item = selectors.review_item_get(pk)
    if item is None:
        raise Http404("Unknown review item.")
    form = ReviewResolveForm(request.POST)
    if form.is_valid():
        try:
            review_resolve(actor=request.user, item=item, **form.cleaned_data)
        except RefusedError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The review of %(reference)s is resolved.") % {"reference": item.purchase.ref_id},
            )
            return redirect("ppob_headoffice:reviews")
    return _review_page(request, pk, form=form, status=400)


# --- deposit -------------------------------------------------------------------------------


@head_office_required()
def deposit(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ppob/headoffice/deposit.html",
        {
            "latest": selectors.deposit_latest(),
            "available": deposit_available(),
            "alert_below": Decimal(str(settings.PPOB_DEPOSIT_ALERT_BELOW)),
            "floor": Decimal(str(settings.PPOB_DEPOSIT_FLOOR)),
            "history": selectors.deposit_history(),
            "can_write": _can_write(request),
        },
    )


@head_office_required(write=True)
@require_POST
def deposit_refresh_view(request: HttpRequest) -> HttpResponse:
    """Ask the provider for the deposit now (outside any transaction) and keep it."""
    try:
        snapshot = deposit_refresh(source="console", actor=request.user)
    except (ProviderError, RefusedError) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The deposit is refreshed."))
        if snapshot.below_alert:
            messages.warning(request, _("The deposit is under the alert threshold: top it up."))
    return redirect("ppob_headoffice:deposit")


# --- reports -------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@head_office_required()
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Our purchases of a day against the provider's word: ?tanggal=YYYY-MM-DD, and
    &format=xlsx for the workbook."""
    form = DayForm(request.GET if "tanggal" in request.GET else None)
    day: date = timezone.localdate()
    if form.is_bound:
        if not form.is_valid():
            return render(
                request, "ppob/headoffice/reconciliation.html", {"form": form}, status=400
            )
        day = form.cleaned_data["tanggal"]
    else:
        form = DayForm(initial={"tanggal": day})
    report = reports.reconciliation_day(day)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            reconciliation_xlsx(report, organisation=settings.PLATFORM_NAME),
            f"rekonsiliasi-ppob-{day:%Y-%m-%d}.xlsx",
        )
    return render(
        request,
        "ppob/headoffice/reconciliation.html",
        {
            "form": form,
            "report": report,
            "total": report.total,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@head_office_required()
def sales(request: HttpRequest) -> HttpResponse:
    """Sales by cooperative and category: ?dari=&sampai=[&koperasi=], &format=xlsx."""
    today = timezone.localdate()
    form = RangeForm(request.GET if "dari" in request.GET else None)
    if form.is_bound:
        if not form.is_valid():
            return render(request, "ppob/headoffice/sales.html", {"form": form}, status=400)
        start, end = form.cleaned_data["dari"], form.cleaned_data["sampai"]
        cooperative = form.cleaned_data["koperasi"]
    else:
        start, end, cooperative = today.replace(day=1), today, None
        form = RangeForm(initial={"dari": start, "sampai": end})
    report = reports.sales(date_from=start, date_to=end, cooperative=cooperative)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            sales_xlsx(report, organisation=settings.PLATFORM_NAME),
            f"penjualan-ppob-{start:%Y-%m-%d}-{end:%Y-%m-%d}.xlsx",
        )
    return render(
        request,
        "ppob/headoffice/sales.html",
        {
            "form": form,
            "report": report,
            "groups": report.by_cooperative(),
            "categories": report.by_category(),
            "total": report.total,
            "xlsx": "?"
            + urlencode(
                {
                    "dari": f"{start:%Y-%m-%d}",
                    "sampai": f"{end:%Y-%m-%d}",
                    **({"koperasi": cooperative.pk} if cooperative is not None else {}),
                    "format": "xlsx",
                }
            ),
        },
    )
