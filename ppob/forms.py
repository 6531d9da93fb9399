"""Forms of the PPOB screens. They check shape and presence only; ppob.services decides
(a refusal comes back as the service's message on the form). Amounts are typed the
Indonesian way ("1.500", "2,5") and become Decimal; floats never appear."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from registry.models import Cooperative, CooperativeKind

from ppob.models import Category, MarginKind, PaymentMethod, PurchaseStatus
from ppob.selectors import PRODUCT_STATUSES

GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")
PLAIN = re.compile(r"^\d+([.,]\d{1,2})?$")


def number_parse(raw: str) -> Decimal | None:
    """ "1.500" -> 1500, "-1.000" -> -1000, "2,5" -> 2.5, "2.5" -> 2.5; None if not a
    number of at most two decimals."""
    text = (raw or "").strip().replace(" ", "")
    text = re.sub(r"^rp\.?", "", text, flags=re.IGNORECASE)
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    if GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        return None
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        return None


def request_key() -> str:
    """A fresh request key for a form: the same form sent twice buys once."""
    return f"web-{uuid.uuid4().hex}"


class KeyField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)


class MarginField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        found = number_parse(text)
        if found is None:
            raise forms.ValidationError(
                _("Enter the margin as a number, for example 1500, 1.500 or 2,5."),
                code="margin_number",
            )
        return found


def _category_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *Category.choices]


# --- head office ------------------------------------------------------------------------------


class CatalogueFilterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    brand = forms.CharField(label=_("Brand"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(_("Every category"))  # type: ignore[attr-defined]
        labels = {
            "sold": _("Sold"),
            "off": _("Switched off here"),
            "provider_off": _("Inactive at the provider"),
            "missing": _("Missing from the price list"),
            "below_cost": _("No price or priced below cost"),
        }
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any status")),
            *((value, labels[value]) for value in PRODUCT_STATUSES),
        ]


class MarginRuleForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    brand = forms.CharField(
        label=_("Brand"),
        required=False,
        max_length=100,
        help_text=_("Empty: every brand. As the provider writes it, e.g. TELKOMSEL."),
    )
    sku = forms.CharField(
        label=_("SKU"), required=False, max_length=60, help_text=_("Empty: every product.")
    )
    kind = forms.ChoiceField(label=_("Margin"), choices=MarginKind.choices)
    member_value = MarginField(label=_("Member margin"))
    nonmember_value = MarginField(label=_("Non-member margin"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(_("Every category"))  # type: ignore[attr-defined]


class PurchaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    cooperative = forms.ModelChoiceField(
        label=_("Cooperative"),
        required=False,
        queryset=Cooperative.objects.none(),
        empty_label=_("Every cooperative"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PurchaseStatus.choices]  # type: ignore[attr-defined]
        self.fields["cooperative"].queryset = (  # type: ignore[attr-defined]
            Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM).order_by("name")
        )


class ReviewResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("success", _("Success: the provider's dashboard shows it sold")),
            ("failed", _("Failed: the provider's dashboard shows it failed")),
            ("retry", _("Retry the money steps")),
            ("dismissed", _("Dismiss: settled by hand, nothing to change")),
        ],
        widget=forms.RadioSelect,
    )
    sn = forms.CharField(
        label=_("Serial number (SN) the provider shows"), required=False, max_length=500
    )
    note = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DayForm(forms.Form):
    tanggal = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class RangeForm(forms.Form):
    dari = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    sampai = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    koperasi = forms.ModelChoiceField(
        label=_("Cooperative"),
        required=False,
        queryset=Cooperative.objects.none(),
        empty_label=_("Every cooperative"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["koperasi"].queryset = (  # type: ignore[attr-defined]
            Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM).order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("dari")
        end: date | None = data.get("sampai")
        if start and end and start > end:
            raise forms.ValidationError(
                _("The first day comes after the last."), code="range_reversed"
            )
        if start and end and (end - start).days > 366:
            raise forms.ValidationError(
                _("Choose at most a year at a time."), code="range_too_long"
            )
        return data


# --- member and teller ------------------------------------------------------------------------


class NumberForm(forms.Form):
    """The customer number (a phone, meter, customer ID...); ``key`` names the bill
    inquiry when the product is a bill."""

    customer_no = forms.CharField(
        label=_("Customer number"),
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    key = KeyField(required=False)


class ConfirmForm(forms.Form):
    customer_no = forms.CharField(max_length=60, widget=forms.HiddenInput)
    key = KeyField()


class PayForm(forms.Form):
    key = KeyField()


class SaleForm(forms.Form):
    """The teller's sale: for a member (their number) or a shopper without membership."""

    customer_no = forms.CharField(
        label=_("Customer number"),
        max_length=60,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    member_number = forms.CharField(
        label=_("Member number"),
        required=False,
        max_length=30,
        help_text=_("Empty for a shopper who is not a member (non-member price)."),
    )
    shopper_name = forms.CharField(label=_("Shopper's name"), required=False, max_length=100)
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (PaymentMethod.CASH, _("Cash")),
            (PaymentMethod.SUKARELA, _("From the member's simpanan sukarela")),
        ],
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )
    key = KeyField(required=False)


class SaleConfirmForm(forms.Form):
    customer_no = forms.CharField(max_length=60, widget=forms.HiddenInput)
    member_number = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    shopper_name = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices, widget=forms.HiddenInput)
    key = KeyField()


class BillPayForm(forms.Form):
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=[
            (PaymentMethod.CASH, _("Cash")),
            (PaymentMethod.SUKARELA, _("From the member's simpanan sukarela")),
        ],
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )
    shopper_name = forms.CharField(label=_("Shopper's name"), required=False, max_length=100)
    key = KeyField()
