"""Forms of the staff member pages. They only parse what was typed (dates, the heirs'
rows); every rule is the member services' own, and a refusal of theirs is put on the field
it is about through its ``code`` (``RefusalForm.add_refusal``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.ledger.periods import business_today
from tenants.members.services import HeirInput, MemberAddress
from tenants.models import HeirRelation, MemberKind, MemberStatus, PayoutTo, Sex

HEIRS_MAX = 10
DATE_FORMAT = "%Y-%m-%d"


def _date_field(label: Any, *, required: bool = False, today: bool = True) -> forms.DateField:
    """A date typed in the browser's own date picker (sent as YYYY-MM-DD) or by hand
    (DD-MM-YYYY); today by default."""
    return forms.DateField(
        label=label,
        required=required,
        initial=business_today if today else None,
        input_formats=[DATE_FORMAT, "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
    )


def _text(label: Any, max_length: int, **attrs: Any) -> forms.CharField:
    """Optional to the form: the service says what is missing, in its own words."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}),
    )


def _choice(label: Any, choices: Sequence[tuple[str, Any]], *, blank: bool = False) -> Any:
    """A choice the service checks (its message, not the form's, names a wrong value)."""
    options = [("", "—"), *choices] if blank else list(choices)
    return forms.CharField(label=label, required=False, widget=forms.Select(choices=options))


def _reason(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or gettext_lazy("Reason"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefusalForm(forms.Form):
    """A form that shows a service's refusal on the field it is about. ``codes`` maps the
    refusal codes of tenants.members.exceptions to fields; "required" and "too_long" name
    their field by its label in ``params["field"]`` (``labels``)."""

    codes: dict[str, str] = {}
    groups: Sequence[tuple[Any, Sequence[str]]] = ()

    def labels(self) -> dict[str, str]:
        return {}

    def fieldsets(self) -> list[tuple[Any, list[Any]]]:
        """(legend, bound fields) for the template, in ``groups``' order."""
        return [(legend, [self[name] for name in names]) for legend, names in self.groups]

    def add_refusal(self, error: ValidationError) -> None:
        code = getattr(error, "code", None) or ""
        field = self.codes.get(code)
        if code in ("required", "too_long"):
            params = getattr(error, "params", None) or {}
            field = self.labels().get(str(params.get("field", "")))
        self.add_error(field if field in self.fields else None, error)


class AddressFields(RefusalForm):
    street = _text(gettext_lazy("Street, house number"), 200)
    # Room for a wrong value, so that the service's message (not a length check) says why.
    rt = _text(gettext_lazy("RT"), 10, inputmode="numeric")
    rw = _text(gettext_lazy("RW"), 10, inputmode="numeric")
    desa = _text(gettext_lazy("Village (desa/kelurahan)"), 100)
    kecamatan = _text(gettext_lazy("District (kecamatan)"), 100)
    kabupaten = _text(gettext_lazy("Regency or city (kabupaten/kota)"), 100)
    provinsi = _text(gettext_lazy("Province"), 100)
    postal_code = _text(gettext_lazy("Postal code"), 10, inputmode="numeric")

    ADDRESS_CODES = {"rt_rw": "rt", "postal_code": "postal_code", "phone": "phone"}
    ADDRESS = ("street", "rt", "rw", "desa", "kecamatan", "kabupaten", "provinsi", "postal_code")

    def labels(self) -> dict[str, str]:
        # The services name a missing part of the address by these (translated) words.
        return {
            _("village (desa/kelurahan)"): "desa",
            _("district (kecamatan)"): "kecamatan",
            _("regency or city"): "kabupaten",
            _("province"): "provinsi",
        }

    def address(self) -> MemberAddress:
        data = self.cleaned_data
        return MemberAddress(
            street=data["street"],
            rt=data["rt"],
            rw=data["rw"],
            desa=data["desa"],
            kecamatan=data["kecamatan"],
            kabupaten=data["kabupaten"],
            provinsi=data["provinsi"],
            postal_code=data["postal_code"],
        )


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name, member number or NIK"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *MemberStatus.choices],
    )


class MemberRegisterForm(AddressFields):
    nik = _text(gettext_lazy("NIK (16 digits, from the KTP)"), 30, inputmode="numeric")
    kk_number = _text(gettext_lazy("Family card (KK) number"), 30, inputmode="numeric")
    full_name = _text(gettext_lazy("Full name (as on the KTP)"), 200)
    birth_place = _text(gettext_lazy("Place of birth"), 100)
    birth_date = _date_field(gettext_lazy("Date of birth"), today=False)
    sex = _choice(gettext_lazy("Sex"), Sex.choices, blank=True)
    phone = _text(gettext_lazy("Mobile number (optional)"), 30, inputmode="tel")
    kind = _choice(gettext_lazy("Kind of membership"), MemberKind.choices)
    join_date = _date_field(gettext_lazy("Join date"))
    status = _choice(
        gettext_lazy("Register as"),
        [
            (MemberStatus.APPLICANT, gettext_lazy("Applicant: the board admits them later")),
            (MemberStatus.ACTIVE, gettext_lazy("Active member at once")),
        ],
    )
    reason = _reason(gettext_lazy("Note (optional)"))

    groups = (
        (
            gettext_lazy("Identity"),
            ("nik", "kk_number", "full_name", "birth_place", "birth_date", "sex"),
        ),
        (gettext_lazy("Address and phone"), (*AddressFields.ADDRESS, "phone")),
        (gettext_lazy("Membership"), ("kind", "join_date", "status", "reason")),
    )
    codes = {
        **AddressFields.ADDRESS_CODES,
        "sex": "sex",
        "kind": "kind",
        "status": "status",
        "birth_date": "birth_date",
        "join_date": "join_date",
        "too_young": "kind",
        "nik_shape": "nik",
        "nik_invalid": "nik",
        "nik_sex": "nik",
        "nik_birth_date": "nik",
        "nik_duplicate": "nik",
        "kk": "kk_number",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"kind": MemberKind.BIASA, "status": MemberStatus.APPLICANT})
        super().__init__(*args, **kwargs)

    def labels(self) -> dict[str, str]:
        return {
            **super().labels(),
            _("full name"): "full_name",
            _("place of birth"): "birth_place",
        }

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of tenants.members.services.member_register."""
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "nik": data["nik"],
            "kk_number": data["kk_number"],
            "birth_place": data["birth_place"],
            "birth_date": data["birth_date"],
            "sex": data["sex"],
            "address": self.address(),
            "kind": data["kind"],
            "phone": data["phone"],
            "join_date": data["join_date"],
            "status": data["status"],
            "reason": data["reason"],
        }


class ContactForm(AddressFields):
    """The phone is never shown whole: left empty it stays as it is."""

    phone = _text(gettext_lazy("New mobile number"), 30, inputmode="tel")
    phone_remove = forms.BooleanField(
        label=gettext_lazy("Remove the mobile number"),
        required=False,
        widget=forms.CheckboxInput(attrs={"style": "width:auto"}),
    )

    codes = dict(AddressFields.ADDRESS_CODES)
    groups = (
        (gettext_lazy("Phone"), ("phone", "phone_remove")),
        (gettext_lazy("Address"), AddressFields.ADDRESS),
    )


class HeirForm(forms.Form):
    """One heir; a row left empty is no heir. ``existing`` is the id of the heir the row
    was filled from: their NIK is never shown, and left empty it is kept."""

    full_name = _text(gettext_lazy("Heir's full name"), 200)
    relation = _choice(gettext_lazy("Relation"), HeirRelation.choices, blank=True)
    share_percent = _text(gettext_lazy("Share (%)"), 10, inputmode="decimal")
    nik = _text(gettext_lazy("Heir's NIK (optional)"), 30, inputmode="numeric")
    existing = forms.IntegerField(required=False, widget=forms.HiddenInput)

    TYPED = ("full_name", "relation", "share_percent", "nik")

    def clean_share_percent(self) -> str:
        # "33,33" and "50 %" are how people write it; the service parses the number.
        text: str = self.cleaned_data["share_percent"]
        return text.replace("%", "").replace(",", ".").strip()

    def existing_id(self) -> int | None:
        value = self["existing"].value()
        return int(value) if str(value or "").isdigit() else None

    def heir(self, kept_niks: dict[int, str]) -> HeirInput | None:
        data = getattr(self, "cleaned_data", None) or {}
        if not any(str(data.get(name) or "").strip() for name in self.TYPED):
            return None
        nik = data["nik"]
        if not nik.strip() and data.get("existing") in kept_niks:
            nik = kept_niks[data["existing"]]
        return HeirInput(
            full_name=data["full_name"],
            relation=data["relation"],
            share_percent=data["share_percent"],
            nik=nik,
        )


HEIRS_PREFIX = "heirs"


def heir_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, extra: int = 3
) -> Any:
    formset = formset_factory(HeirForm, extra=extra, max_num=HEIRS_MAX, validate_max=True)
    return formset(data, initial=initial, prefix=HEIRS_PREFIX)


def heir_inputs(formset: Any, kept_niks: dict[int, str] | None = None) -> list[HeirInput]:
    """The heirs typed into a valid formset, empty rows left out. ``kept_niks``: the NIKs
    of the member's current heirs by id, for rows whose NIK was left empty."""
    found = (form.heir(kept_niks or {}) for form in formset.forms)
    return [heir for heir in found if heir is not None]


def heir_placeholders(formset: Any, masked_niks: dict[int, str]) -> None:
    """Show each current heir's masked NIK in their row's empty NIK box."""
    for form in formset.forms:
        masked = masked_niks.get(form.existing_id() or 0)
        if masked:
            form.fields["nik"].widget.attrs["placeholder"] = masked
            form.fields["nik"].help_text = _("Leave empty to keep %(nik)s.") % {"nik": masked}


class LifecycleForm(RefusalForm):
    """A status change: its date and reason."""

    effective_date = _date_field(gettext_lazy("Effective date"))
    reason = _reason()

    codes = {"effective_date": "effective_date", "reason": "reason"}


class ExpelForm(LifecycleForm):
    reason = _reason(gettext_lazy("Reason (the board's decision)"))


class DeathForm(LifecycleForm):
    effective_date = _date_field(gettext_lazy("Date of death"), required=True, today=False)
    heir_number = _text(
        gettext_lazy("Member number of the heir who continues the membership (optional)"),
        12,
        inputmode="numeric",
    )

    codes = {
        **LifecycleForm.codes,
        "heir_self": "heir_number",
        "heir_status": "heir_number",
    }


class SettleForm(RefusalForm):
    payout_to = _choice(gettext_lazy("Pay out to"), PayoutTo.choices)

    codes = {"payout_invalid": "payout_to", "no_sukarela": "payout_to"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"payout_to": PayoutTo.CASH})
        super().__init__(*args, **kwargs)
