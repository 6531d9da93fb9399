"""The member's activation form (validation only; the service decides)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ActivationForm(forms.Form):
    member_number = forms.CharField(
        label=_("Member number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(label=_("Activation code from the teller"), max_length=12)
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
