"""Head-office forms: they check shape and presence; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from identity.models import CooperativeRoleName, HeadOfficeRole
from registry.models import Cooperative, CooperativeKind, CooperativeStatus
from registry.services import MEMBER_KINDS, CooperativeAddress

KIND_CHOICES = [(kind.value, kind.label) for kind in MEMBER_KINDS]


class CooperativeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or short name"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *CooperativeStatus.choices],
    )


class CooperativeCreateForm(forms.Form):
    name = forms.CharField(label=_("Name of the cooperative"), max_length=200)
    slug = forms.CharField(
        label=_("Short name (web address)"),
        max_length=40,
        help_text=_("Lowercase letters, digits and dashes, e.g. kopmakmur: kopmakmur.%(domain)s"),
    )
    legal_entity_number = forms.CharField(
        label=_("Legal entity number (nomor badan hukum)"), max_length=100
    )
    kind = forms.ChoiceField(label=_("Kind of cooperative"), choices=KIND_CHOICES)
    street = forms.CharField(label=_("Street address"), max_length=255, required=False)
    desa = forms.CharField(label=_("Village (desa/kelurahan)"), max_length=100)
    kecamatan = forms.CharField(label=_("District (kecamatan)"), max_length=100)
    kabupaten = forms.CharField(label=_("Regency or city (kabupaten/kota)"), max_length=100)
    provinsi = forms.CharField(label=_("Province"), max_length=100, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("A postal code has five digits.")},
    )
    board_full_name = forms.CharField(
        label=_("Full name of the first board member"), max_length=200
    )
    board_email = forms.EmailField(label=_("E-mail of the first board member"))

    def __init__(self, *args: Any, platform_domain: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_text = self.fields["slug"].help_text
        self.fields["slug"].help_text = str(help_text) % {"domain": platform_domain}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "slug": data["slug"],
            "kind": data["kind"],
            "legal_entity_number": data["legal_entity_number"],
            "address": CooperativeAddress(
                street=data["street"],
                desa=data["desa"],
                kecamatan=data["kecamatan"],
                kabupaten=data["kabupaten"],
                provinsi=data["provinsi"],
                postal_code=data["postal_code"],
            ),
            "board_full_name": data["board_full_name"],
            "board_email": data["board_email"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 3})
    )


class HeadOfficeInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Head-office role"), choices=HeadOfficeRole.choices)


class HeadOfficeRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Head-office role"),
        required=False,
        choices=[("", _("None (not head-office staff)")), *HeadOfficeRole.choices],
    )


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, username or e-mail"), required=False)


class RoleGrantForm(forms.Form):
    cooperative = forms.ModelChoiceField(
        label=_("Cooperative (short name)"),
        queryset=Cooperative.objects.exclude(kind=CooperativeKind.PLATFORM).exclude(
            status=CooperativeStatus.ARCHIVED
        ),
        to_field_name="slug",
        widget=forms.TextInput,
        error_messages={"invalid_choice": _("No open cooperative has this short name.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=CooperativeRoleName.choices)
