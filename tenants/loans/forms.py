"""Forms of the loan pages. They only parse what was typed (rupiah the Indonesian way,
"1.500.000"; percents with a comma or a point; dates); every rule is the loan services'
own, and their refusal is shown on the form with their message."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.ledger.periods import business_today
from tenants.loans.services import GuarantorInput
from tenants.models import BankClass, LoanPayoutTo, LoanProduct, LoanStatus, Member
from tenants.teller.forms import RupiahField

DATE_FORMAT = "%Y-%m-%d"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,80}")
PERCENT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


def new_key(prefix: str) -> str:
    """An idempotency key made when a form is rendered: the same page submitted twice
    carries the same key, and the service acts once."""
    return f"{prefix}-{uuid.uuid4().hex}"


def _date_field(label: Any, *, required: bool = False) -> forms.DateField:
    """A date from the browser's date picker (YYYY-MM-DD) or typed (DD-MM-YYYY)."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=[DATE_FORMAT, "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


class PercentField(forms.CharField):
    """A rate in percent a year: "12", "12,5" or "12.5" -> Decimal; empty -> None."""

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def clean(self, value: Any) -> Any:
        text = (super().clean(value) or "").strip().replace(" ", "").rstrip("%")
        if not text:
            return None
        if not PERCENT.match(text):
            raise forms.ValidationError(
                _("Enter the rate as a number, for example 12 or 12,5."), code="rate_invalid"
            )
        return Decimal(text.replace(",", ".")).quantize(Decimal("0.01"))


class OptionalRupiahField(RupiahField):
    """An amount in rupiah that may be left empty (None)."""

    def clean(self, value: Any) -> Any:
        if not (value or "").strip():
            return None
        return super().clean(value)


class KeyField(forms.CharField):
    """The hidden idempotency key of a form that moves money or records an application."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 80)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        key = (super().clean(value) or "").strip()
        if not KEY_PATTERN.fullmatch(key):
            raise forms.ValidationError(
                _("This form has expired; reload the page and try again."), code="key_invalid"
            )
        return key


# The list --------------------------------------------------------------------------


class LoanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *LoanStatus.choices],
    )
    kolektibilitas = forms.ChoiceField(
        label=_("Kolektibilitas"),
        required=False,
        choices=[("", _("All classes")), *BankClass.choices],
    )
    petugas = forms.TypedChoiceField(
        label=_("Loan officer"), required=False, coerce=int, empty_value=None
    )
    anggota = forms.CharField(
        label=_("Member number"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, officers: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["petugas"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All officers")), *sorted(officers.items(), key=lambda i: i[1])]

    def clean_anggota(self) -> str:
        number: str = self.cleaned_data["anggota"].strip()
        if number and not number.isdigit():
            raise forms.ValidationError(_("A member number has digits only."), code="number")
        return number.zfill(7) if number else ""


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Member number or name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# The application -------------------------------------------------------------------


class ApplicationForm(forms.Form):
    """An application on one product. The collateral and guarantor fields are there when
    the product asks for them above an amount; whether this amount needs them is the
    service's rule (its message says so)."""

    product = forms.CharField(widget=forms.HiddenInput, max_length=20)
    amount = RupiahField(label=_("Amount (Rp)"))
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=360,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    purpose = forms.CharField(
        label=_("Purpose of the loan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key = KeyField()

    def __init__(
        self,
        *args: Any,
        product: LoanProduct,
        staff: bool,
        find_member: Any = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("key", new_key("loanapp"))
        initial.setdefault("product", product.code)
        super().__init__(*args, **kwargs)
        self.loan_product = product
        self.find_member = find_member
        self.guarantor_rows = 0
        if staff:
            self.fields["rate"] = PercentField(
                label=_("Rate (percent a year)"),
                required=False,
                max_length=10,
                help_text=_("Leave empty for the product's usual rate."),
            )
        if product.collateral_required_above is not None:
            self.fields["collateral_description"] = forms.CharField(
                label=_("Collateral (what it is, its documents)"),
                required=False,
                max_length=500,
            )
            self.fields["collateral_value"] = OptionalRupiahField(
                label=_("Collateral value (Rp)"), required=False
            )
        if product.guarantor_required_above is not None:
            self.guarantor_rows = product.guarantors_required
            for n in range(1, self.guarantor_rows + 1):
                self.fields[f"guarantor_{n}_name"] = forms.CharField(
                    label=_("Guarantor %(n)s: full name") % {"n": n},
                    required=False,
                    max_length=200,
                )
                self.fields[f"guarantor_{n}_relation"] = forms.CharField(
                    label=_("Guarantor %(n)s: relation to the borrower") % {"n": n},
                    required=False,
                    max_length=100,
                )
                if staff:
                    self.fields[f"guarantor_{n}_member"] = forms.CharField(
                        label=_("Guarantor %(n)s: member number, if a member") % {"n": n},
                        required=False,
                        max_length=12,
                        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        guarantors: list[GuarantorInput] = []
        for n in range(1, self.guarantor_rows + 1):
            name = (data.get(f"guarantor_{n}_name") or "").strip()
            relation = (data.get(f"guarantor_{n}_relation") or "").strip()
            number = (data.get(f"guarantor_{n}_member") or "").strip()
            if not (name or relation or number):
                continue
            member: Member | None = None
            if number:
                member = self.find_member(number) if self.find_member else None
                if member is None:
                    self.add_error(f"guarantor_{n}_member", _("No member has this number."))
                    continue
                name = name or member.full_name
            guarantors.append(GuarantorInput(full_name=name, relation=relation, member=member))
        data["guarantors"] = guarantors
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "amount": data["amount"],
            "term_months": data["term_months"],
            "purpose": data["purpose"],
            "idempotency_key": data["key"],
            "guarantors": data["guarantors"],
        }
        if data.get("rate") is not None:
            arguments["annual_rate_percent"] = data["rate"]
        if "collateral_description" in self.fields:
            arguments["collateral_description"] = data.get("collateral_description", "")
            arguments["collateral_value"] = data.get("collateral_value")
        return arguments


# Decisions -------------------------------------------------------------------------


class SurveyForm(forms.Form):
    note = forms.CharField(
        label=_("What the survey found (business, income, collateral)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ApproveForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the member will see it)"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


# Money -----------------------------------------------------------------------------

FEES_DEDUCTED = "deducted"
FEES_PAID = "paid"


class DisburseForm(forms.Form):
    payout_to = forms.ChoiceField(
        label=_("Pay out"),
        choices=LoanPayoutTo.choices,
        initial=LoanPayoutTo.CASH,
        widget=forms.RadioSelect,
    )
    fees = forms.ChoiceField(
        label=_("Administration fee and provisi"),
        choices=[
            (FEES_DEDUCTED, _("Deducted from the payout")),
            (FEES_PAID, _("Paid in cash at the counter")),
        ],
        initial=FEES_DEDUCTED,
        widget=forms.RadioSelect,
    )
    disbursed_on = _date_field(_("Paid out on (empty: today)"))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "payout_to": data["payout_to"],
            "fees_deducted": data["fees"] == FEES_DEDUCTED,
            "disbursed_on": data["disbursed_on"],
        }


class RepaymentForm(forms.Form):
    """A payment at the counter, dated today. ``key`` is made when the form is rendered,
    so the same page submitted twice pays once."""

    amount = RupiahField(label=_("Amount paid (Rp)"))
    key = KeyField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", new_key("loanpay"))
        super().__init__(*args, **kwargs)


class RescheduleForm(forms.Form):
    """``version`` is the schedule version the page showed: a second submit of the same
    page finds a newer one and does not reschedule twice."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    term_months = forms.IntegerField(
        label=_("New term (months, from the day it takes effect)"),
        min_value=1,
        max_value=360,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    rate = PercentField(
        label=_("Rate (percent a year)"),
        required=False,
        max_length=10,
        help_text=_("Leave empty to keep the current rate."),
    )
    effective_on = _date_field(_("Takes effect on (empty: today)"))
    reason = forms.CharField(
        label=_("The committee's reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "term_months": data["term_months"],
            "annual_rate_percent": data["rate"],
            "effective_on": data["effective_on"],
            "reason": data["reason"],
        }


class DayForm(forms.Form):
    """The day a report or a quote is for (?tanggal=YYYY-MM-DD; today when empty)."""

    tanggal = _date_field(_("Date"))

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["tanggal"].label = label

    def day(self) -> date:
        if self.is_valid() and self.cleaned_data["tanggal"]:
            day: date = self.cleaned_data["tanggal"]
            return day
        return business_today()
