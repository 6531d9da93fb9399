"""Forms of the member-card pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SheetForm(forms.Form):
    nomor = forms.CharField(
        label=_("Member numbers"),
        help_text=_("Separated by spaces, commas or new lines; ten cards fit on a sheet."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )


class ScanForm(forms.Form):
    """A scanner types the card's QR text and presses Enter."""

    token = forms.CharField(
        label=_("Member card"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class ActivationForm(forms.Form):
    nomor = forms.CharField(
        label=_("Member number"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
