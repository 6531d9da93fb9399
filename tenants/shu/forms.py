"""Forms of the SHU pages. Percentages and amounts become Decimal; the services check the
rules (a split adding up to 100, a closed year...)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.ledger.periods import business_today
from tenants.models import SPLIT_PARTS, CapitalBasis, ShuPayout, ShuSplitVersion
from tenants.shu.splits import DEFAULT_SPLIT, PART_LABELS
from tenants.teller.forms import RupiahField


class SplitForm(forms.Form):
    other_label = forms.CharField(label=_("Name of the other fund"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for part in reversed(SPLIT_PARTS):
            self.fields = {
                f"{part}_percent": forms.DecimalField(
                    label=PART_LABELS[part],
                    min_value=Decimal(0),
                    max_value=Decimal(100),
                    max_digits=5,
                    decimal_places=2,
                    initial=DEFAULT_SPLIT[part],
                    widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
                ),
                **self.fields,
            }

    @classmethod
    def for_version(cls, version: ShuSplitVersion) -> SplitForm:
        initial: dict[str, Any] = {f"{p}_percent": version.percent(p) for p in SPLIT_PARTS}
        initial.update({"other_label": version.other_label, "note": version.note})
        return cls(initial=initial)

    def percents(self) -> dict[str, object]:
        return {part: self.cleaned_data[f"{part}_percent"] for part in SPLIT_PARTS}


def _default_year() -> int:
    return business_today().year - 1


class SimulationForm(forms.Form):
    year = forms.IntegerField(label=_("Book year"), min_value=1900, max_value=9999)
    split = forms.ModelChoiceField(
        label=_("Split version"), queryset=ShuSplitVersion.objects.none(), empty_label=None
    )
    capital_basis = forms.ChoiceField(
        label=_("Jasa modal counts pokok + wajib at"),
        choices=CapitalBasis.choices,
        initial=CapitalBasis.YEAR_END,
    )
    payout = forms.ChoiceField(
        label=_("The members' shares go"), choices=ShuPayout.choices, initial=ShuPayout.SUKARELA
    )
    non_member_income = RupiahField(
        label=_("Income from business with non-members"),
        allow_zero=True,
        initial="0",
        help_text=_("From the units' records; 0 when the cooperative serves members only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["split"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ShuSplitVersion.objects.order_by("-number")
        field.label_from_instance = _split_label  # type: ignore[method-assign, assignment]
        self.fields["year"].initial = _default_year()

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year": data["year"],
            "split": data["split"],
            "capital_basis": data["capital_basis"],
            "payout": data["payout"],
            "non_member_income": data["non_member_income"],
        }


def _split_label(version: ShuSplitVersion) -> str:
    state = _("approved") if version.is_approved else _("draft")
    return f"v{version.number} ({state})"


class FinalRunForm(SimulationForm):
    digest = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


def year_from(value: object) -> int | None:
    try:
        year = int(str(value))
    except ValueError:
        return None
    return year if 1900 <= year <= date.max.year else None
