"""What the member's and the teller's PPOB pages share: the category and product they
name in the URL, the offers of a category by brand, the customer-number step, and the
words for a bill the provider could not find. Checks and reads only; the writes are the
services' (ppob.services.purchases)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from federation.errors import RefusedError

from ppob import selectors
from ppob.customer_numbers import customer_number_check, operator_of
from ppob.models import Category, Inquiry, Product, ProductKind
from ppob.providers import provider_get
from ppob.providers.base import PlnCustomer, ProviderError
from ppob.selectors import Offer

# More offers than this in a category: the page lists its brands first.
OFFERS_BEFORE_BRANDS = 30
# A pending receipt reloads itself this often (seconds; a meta refresh, no script).
RECEIPT_REFRESH_SECONDS = 3
# What the customer number is, per category (the form's label).
NUMBER_LABELS: dict[str, Any] = {
    Category.PULSA: gettext_lazy("Mobile number"),
    Category.DATA: gettext_lazy("Mobile number"),
    Category.PLN_TOKEN: gettext_lazy("PLN meter number (11 digits) or customer ID (12 digits)"),
    Category.PLN_POSTPAID: gettext_lazy("PLN customer ID (12 digits)"),
    Category.BPJS: gettext_lazy("BPJS number"),
    Category.PDAM: gettext_lazy("PDAM customer number"),
    Category.EMONEY: gettext_lazy("Card number or mobile number of the wallet"),
    Category.GAME: gettext_lazy("Game account ID"),
    Category.TELCO_POSTPAID: gettext_lazy("Telephone or internet customer number"),
}


def category_or_404(category: str) -> str:
    if category not in Category.values:
        raise Http404("Unknown category.")
    return category


def category_label(category: str) -> str:
    return str(Category(category).label)


def product_or_404(sku: str) -> Product:
    product = selectors.product_of_sku(sku)
    if product is None:
        raise Http404("Unknown product.")
    return product


@dataclass(frozen=True)
class Shelf:
    """A category's offers as a page shows them: by brand, or only the brands to choose
    from when there are many offers and none is chosen."""

    brands: list[str]
    groups: list[tuple[str, list[Offer]]]
    brand: str
    brands_only: bool


def shelf(category: str, *, brand: str, tier: str) -> Shelf:
    offers = selectors.catalogue(category=category, brand=brand or None, tier=tier)
    groups: dict[str, list[Offer]] = {}
    for offer in offers:
        groups.setdefault(offer.product.brand or "-", []).append(offer)
    brands = sorted(groups, key=str.casefold)
    brands_only = not brand and len(offers) > OFFERS_BEFORE_BRANDS and len(brands) > 1
    return Shelf(
        brands=brands,
        groups=[] if brands_only else [(name, groups[name]) for name in brands],
        brand=brand,
        brands_only=brands_only,
    )


@dataclass(frozen=True)
class NumberChecked:
    customer_no: str  # as the provider wants it
    operator: str  # the mobile operator, when it is a mobile number
    pln: PlnCustomer | None  # the PLN customer behind a token's meter, when PLN answered
    pln_unknown: bool  # PLN was asked and did not confirm the meter


def number_check(product: Product, raw: str) -> NumberChecked:
    """The customer number for the product (NumberInvalid with the service's message when
    it is not one); for a PLN token, the name PLN has for the meter. The PLN look-up
    asks the provider outside any transaction and never writes a purchase."""
    number = customer_number_check(category=product.category, brand=product.brand, raw=raw)
    operator = (operator_of(number) or "") if number.startswith("08") else ""
    pln: PlnCustomer | None = None
    unknown = False
    if product.category == Category.PLN_TOKEN:
        try:
            pln = provider_get().pln_inquiry(customer_no=number)
        except (ProviderError, RefusedError):
            unknown = True
    return NumberChecked(number, operator, pln, unknown)


def inquiry_failure(inquiry: Inquiry) -> str:
    """Why a bill inquiry found nothing to pay, in words the payer can act on."""
    if inquiry.rc == "60":
        return _("There is no bill to pay for this number yet.")
    if inquiry.message in {"no selling price", "price below cost"}:
        return _("This bill cannot be paid here now.")
    return _("The bill could not be found (%(message)s). Check the number and try again.") % {
        "message": inquiry.message or "-"
    }


def is_bill(product: Product) -> bool:
    return product.kind == ProductKind.POSTPAID


def refusal_messages(exc: RefusedError) -> list[str]:
    return [str(message) for message in exc.messages]


def offer_context(product: Product, offer: Offer) -> dict[str, Any]:
    return {
        "product": product,
        "offer": offer,
        "is_bill": is_bill(product),
        "category_name": category_label(product.category),
        "number_label": NUMBER_LABELS.get(product.category, _("Customer number")),
    }


def bill_fee(inquiry: Inquiry) -> Any:
    """The cooperative's fee on a bill: its price less the bill, admin fee and penalty."""
    return inquiry.price - inquiry.bill - inquiry.admin - inquiry.penalty
