"""Forms of a cooperative's staff pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from identity.access import STAFF_ROLES
from identity.models import CooperativeRoleName

STAFF_ROLE_CHOICES = [(v, label) for v, label in CooperativeRoleName.choices if v in STAFF_ROLES]


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES)
