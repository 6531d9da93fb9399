"""Forms of the teller's desk. Amounts are typed the Indonesian way ("50.000" or
"50000", "1.250,50") and become Decimal; floats never appear."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import SavingsAccount

GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d{1,2})?$")
PLAIN = re.compile(r"^\d+([.,]\d{1,2})?$")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


def rupiah_parse(raw: str) -> Decimal | None:
    """ "50.000" -> 50000, "1.250,50" -> 1250.50, "50000" -> 50000; None if not an amount
    (letters, signs, too many decimals)."""
    text = (raw or "").strip()
    text = re.sub(r"^rp\.?\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if GROUPED.match(text):
        text = text.replace(".", "").replace(",", ".")
    elif PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


class RupiahField(forms.CharField):
    """An amount in rupiah. ``allow_zero``: a count may be zero, a payment may not."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if text.strip().startswith("-"):
            raise forms.ValidationError(
                _("The amount must be more than zero."), code="amount_not_positive"
            )
        amount = rupiah_parse(text)
        if amount is None:
            raise forms.ValidationError(
                _("Enter an amount in rupiah using digits only, for example 50000 or 50.000."),
                code="amount_invalid",
            )
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(_("The amount is too large."), code="amount_too_large")
        if amount == 0 and not self.allow_zero:
            raise forms.ValidationError(
                _("The amount must be more than zero."), code="amount_not_positive"
            )
        return amount.quantize(CENT)


class DrawerOpenForm(forms.Form):
    opening_count = RupiahField(allow_zero=True, label=_("Cash counted into the drawer"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DrawerCloseForm(forms.Form):
    closing_count = RupiahField(allow_zero=True, label=_("Cash counted in the drawer"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MemberLookupForm(forms.Form):
    nomor = forms.CharField(
        label=_("Member number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CounterForm(forms.Form):
    """A deposit or withdrawal. ``key`` is made when the form is rendered, so submitting
    the same page twice carries the same key and posts once."""

    account = forms.TypedChoiceField(label=_("Product"), coerce=int)
    amount = RupiahField(label=_("Amount (Rp)"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=90)

    def __init__(self, *args: Any, accounts: list[SavingsAccount], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", f"teller-{uuid.uuid4().hex}")
        super().__init__(*args, **kwargs)
        self.accounts = {account.pk: account for account in accounts}
        field = self.fields["account"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(account.pk, account.product.name) for account in accounts]

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"].strip()
        if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,90}", key):
            raise forms.ValidationError(
                _("This form has expired; reload the page and try again."), code="key_invalid"
            )
        return key

    def chosen_account(self) -> SavingsAccount:
        return self.accounts[self.cleaned_data["account"]]


class DrawerCloseForOtherForm(forms.Form):
    """The board closes a teller's drawer for them: the cash counted, and why."""

    closing_count = RupiahField(allow_zero=True, label=_("Cash counted in the drawer"))
    note = forms.CharField(
        label=_("Why you are closing it (e.g. the teller went home ill)"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
