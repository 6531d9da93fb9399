"""The head office's PPOB reports (reads only): the daily reconciliation of our records
against the provider's, and sales by cooperative and category over a date range. Both
are shown on the console and exported to Excel (ppob.excel).

The provider's records are what it told us: every answer and webhook is kept raw in
ProviderEvent (append-only). For each purchase the provider's word is its last definite
answer about the transaction (success or failure), "pending" when it only ever answered
pending, or "none" when it never answered. Bodies are Digiflazz's protocol, which the
sandbox speaks too. A bill's inquiry (inq-pasca) is not a sale and is left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DecimalField, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from registry.models import Cooperative

from ppob.models import Category, EventKind, Inquiry, ProviderEvent, Purchase, PurchaseStatus
from ppob.providers.base import Outcome
from ppob.providers.digiflazz import amount, classify

ZERO = Decimal("0.00")
# The provider's word about a transaction, beside our three statuses.
NO_ANSWER = "none"
STATUSES = (PurchaseStatus.SUCCESS, PurchaseStatus.FAILED, PurchaseStatus.PENDING, NO_ANSWER)
RANGE_MAX_DAYS = 366


def status_label(status: str) -> str:
    if status == NO_ANSWER:
        return _("No answer")
    return str(PurchaseStatus(status).label) if status in PurchaseStatus.values else status


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The WIB day as [start, end) moments."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)


# --- the provider's word -------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderWord:
    status: str  # success | failed | pending | none
    rc: str = ""
    price: Decimal | None = None  # what it says it charged, with its definite answer
    sn: str = ""
    at: datetime | None = None
    answers: int = 0


def _data(body: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body, parse_float=Decimal)
    except ValueError:
        return None
    data = parsed.get("data") if isinstance(parsed, dict) else None
    return data if isinstance(data, dict) else None


def _command(body: str) -> str:
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    return str(parsed.get("commands", "")) if isinstance(parsed, dict) else ""


def _words(events: Iterable[ProviderEvent]) -> ProviderWord:
    """The provider's word from one ref_id's events, in order."""
    requests = 0  # transaction requests (not inquiries) so far
    inquiry = False  # the request before this answer was an inquiry
    answers = 0
    word: ProviderWord | None = None
    for event in events:
        if event.kind == EventKind.REQUEST:
            inquiry = _command(event.body) == "inq-pasca"
            if not inquiry:
                requests += 1
            continue
        if event.kind == EventKind.ERROR:
            continue
        if event.kind == EventKind.RESPONSE and inquiry:
            continue
        data = _data(event.body)
        if data is None:
            continue
        answers += 1
        outcome, _reason = classify(str(data.get("rc", "")).strip(), str(data.get("status", "")))
        if outcome == Outcome.REFUSED:
            # Refused before a transaction existed: a failure only on the first call.
            first = event.kind == EventKind.RESPONSE and requests == 1
            outcome = Outcome.FAILED if first else Outcome.PENDING
        if outcome in (Outcome.SUCCESS, Outcome.FAILED):
            word = ProviderWord(
                status=outcome.value,
                rc=str(data.get("rc", "")),
                price=amount(data.get("price")),
                sn=str(data.get("sn", "") or ""),
                at=event.created_at,
            )
    if word is not None:
        return ProviderWord(word.status, word.rc, word.price, word.sn, word.at, answers)
    return ProviderWord(PurchaseStatus.PENDING if answers else NO_ANSWER, answers=answers)


def provider_words(ref_ids: Any) -> dict[str, ProviderWord]:
    """ref_id -> the provider's word, for ``ref_ids`` (a list, or a values("ref_id")
    queryset the database reads as a subquery). Events are read in ref_id order and
    folded one ref_id at a time, so a busy day's bodies are never all in memory."""
    events = (
        ProviderEvent.objects.filter(ref_id__in=ref_ids)
        .exclude(kind=EventKind.ERROR)
        .only("ref_id", "kind", "body", "created_at")
        .order_by("ref_id", "created_at", "id")
    )
    return {
        ref: _words(found)
        for ref, found in groupby(events.iterator(chunk_size=2000), key=lambda e: e.ref_id)
    }


# --- the daily reconciliation ---------------------------------------------------------------


@dataclass
class StatusLine:
    status: str
    label: str
    ours: int = 0
    ours_price: Decimal = ZERO  # what the buyers pay
    ours_cost: Decimal = ZERO  # what we expect the provider to charge
    provider: int = 0
    provider_price: Decimal = ZERO  # what the provider says it charged

    @property
    def agrees(self) -> bool:
        return self.ours == self.provider


@dataclass(frozen=True)
class Mismatch:
    ref_id: str
    cooperative: str
    product: str
    customer_no: str
    ours: str  # our status, or "" when we have no such purchase
    provider: str
    our_cost: Decimal | None
    provider_price: Decimal | None
    problem: str
    purchase_id: int | None = None

    @property
    def ours_label(self) -> str:
        return status_label(self.ours) if self.ours else "-"

    @property
    def provider_label(self) -> str:
        return status_label(self.provider)


@dataclass
class Reconciliation:
    day: date
    lines: list[StatusLine]
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def total(self) -> StatusLine:
        total = StatusLine("total", _("Total"))
        for line in self.lines:
            total.ours += line.ours
            total.ours_price += line.ours_price
            total.ours_cost += line.ours_cost
            total.provider += line.provider
            total.provider_price += line.provider_price
        return total


def _problems(purchase: Purchase, word: ProviderWord) -> list[str]:
    found: list[str] = []
    ours = purchase.status
    if word.status != ours and not (ours == PurchaseStatus.PENDING and word.status == NO_ANSWER):
        if ours == PurchaseStatus.PENDING:
            found.append(_("The provider answered, but the purchase is still pending."))
        elif word.status in (PurchaseStatus.PENDING, NO_ANSWER):
            found.append(_("Final here, but the provider never gave a final answer."))
        else:
            found.append(_("The provider's result differs from ours."))
    if (
        ours == PurchaseStatus.SUCCESS
        and word.status == PurchaseStatus.SUCCESS
        and word.price is not None
        and word.price != purchase.cost
    ):
        found.append(_("The provider charged a different price than the catalogue's cost."))
    if purchase.is_final and (purchase.money_settled_at is None or purchase.money_error):
        found.append(_("Its money steps are not finished."))
    return found


def reconciliation_day(day: date) -> Reconciliation:
    """Our purchases made on the WIB ``day`` against the provider's word about each: counts
    and totals per status on both sides, and every purchase where they disagree (status,
    price charged, unfinished money steps), plus transactions the provider answered about
    that day which we have no purchase for."""
    start, end = day_bounds(day)
    of_day = Purchase.objects.filter(created_at__gte=start, created_at__lt=end)
    words = provider_words(of_day.values("ref_id"))
    purchases = of_day.select_related("cooperative").order_by("created_at", "id")
    lines = {status: StatusLine(status, status_label(status)) for status in STATUSES}
    mismatches: list[Mismatch] = []
    for purchase in purchases.iterator(chunk_size=2000):
        word = words.get(purchase.ref_id, ProviderWord(NO_ANSWER))
        ours = lines[purchase.status]
        ours.ours += 1
        ours.ours_price += purchase.price
        ours.ours_cost += purchase.cost
        theirs = lines[word.status]
        theirs.provider += 1
        theirs.provider_price += word.price or ZERO
        problems = _problems(purchase, word)
        if problems:
            mismatches.append(
                Mismatch(
                    ref_id=purchase.ref_id,
                    cooperative=purchase.cooperative.name,
                    product=purchase.product_name,
                    customer_no=purchase.customer_no,
                    ours=purchase.status,
                    provider=word.status,
                    our_cost=purchase.cost,
                    provider_price=word.price,
                    problem=" ".join(problems),
                    purchase_id=purchase.pk,
                )
            )
    for ref_id, word in _unknown_words(start, end).items():
        theirs = lines[word.status]
        theirs.provider += 1
        theirs.provider_price += word.price or ZERO
        mismatches.append(
            Mismatch(
                ref_id=ref_id,
                cooperative="",
                product="",
                customer_no="",
                ours="",
                provider=word.status,
                our_cost=None,
                provider_price=word.price,
                problem=_("The provider answered about a transaction we have no purchase for."),
            )
        )
    return Reconciliation(day=day, lines=list(lines.values()), mismatches=mismatches)


def _unknown_words(start: datetime, end: datetime) -> dict[str, ProviderWord]:
    """The provider's word about ref_ids it answered on that day that are neither a
    purchase nor an inquiry of ours."""
    answered = (
        ProviderEvent.objects.filter(
            created_at__gte=start,
            created_at__lt=end,
            kind__in=[EventKind.RESPONSE, EventKind.WEBHOOK],
        )
        .exclude(ref_id="")
        .exclude(ref_id__in=Purchase.objects.values("ref_id"))
        .exclude(ref_id__in=Inquiry.objects.values("ref_id"))
        .values_list("ref_id", flat=True)
        .distinct()
    )
    refs = list(answered)
    if not refs:
        return {}
    return {ref: word for ref, word in provider_words(refs).items() if word.answers}


# --- sales ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalesLine:
    cooperative_id: int
    cooperative: str
    category: str
    category_label: str
    purchases: int
    price: Decimal
    cost: Decimal

    @property
    def margin(self) -> Decimal:
        return self.price - self.cost


@dataclass
class SalesReport:
    date_from: date
    date_to: date
    lines: list[SalesLine]

    def _sum(self, lines: list[SalesLine], name: str, label: str, cat: str) -> SalesLine:
        return SalesLine(
            cooperative_id=0,
            cooperative=name,
            category=cat,
            category_label=label,
            purchases=sum(line.purchases for line in lines),
            price=sum((line.price for line in lines), ZERO),
            cost=sum((line.cost for line in lines), ZERO),
        )

    @property
    def total(self) -> SalesLine:
        return self._sum(self.lines, _("Total"), "", "")

    def by_cooperative(self) -> list[tuple[str, list[SalesLine], SalesLine]]:
        """(cooperative, its lines, its subtotal), in the lines' order."""
        groups: dict[int, list[SalesLine]] = {}
        for line in self.lines:
            groups.setdefault(line.cooperative_id, []).append(line)
        return [
            (lines[0].cooperative, lines, self._sum(lines, lines[0].cooperative, _("Total"), ""))
            for lines in groups.values()
        ]

    def by_category(self) -> list[SalesLine]:
        groups: dict[str, list[SalesLine]] = {}
        for line in self.lines:
            groups.setdefault(line.category, []).append(line)
        return [
            self._sum(lines, "", lines[0].category_label, category)
            for category, lines in sorted(groups.items())
        ]


def sales(*, date_from: date, date_to: date, cooperative: Cooperative | None = None) -> SalesReport:
    """Successful purchases whose sale was settled between the two WIB days (inclusive),
    by cooperative and category: how many, what the buyers paid, what the provider charged
    (its price, or the catalogue's cost when it named none) and the margin. The days are
    those of the settlement ledger, so a month's report matches its settlements."""
    start, _end = day_bounds(date_from)
    _start, end = day_bounds(date_to)
    found = Purchase.objects.filter(
        status=PurchaseStatus.SUCCESS, settled_at__gte=start, settled_at__lt=end
    )
    if cooperative is not None:
        found = found.filter(cooperative=cooperative)
    rows = (
        found.values("cooperative_id", "cooperative__name", "category")
        .annotate(
            n=Count("id"),
            price=Sum("price"),
            cost=Sum(
                Coalesce(
                    "provider_price",
                    "cost",
                    output_field=DecimalField(max_digits=18, decimal_places=2),
                )
            ),
        )
        .order_by("cooperative__name", "cooperative_id", "category")
    )
    labels = dict(Category.choices)
    return SalesReport(
        date_from=date_from,
        date_to=date_to,
        lines=[
            SalesLine(
                cooperative_id=row["cooperative_id"],
                cooperative=row["cooperative__name"],
                category=row["category"],
                category_label=str(labels.get(row["category"], row["category"])),
                purchases=row["n"],
                price=row["price"] or ZERO,
                cost=row["cost"] or ZERO,
            )
            for row in rows
        ],
    )
