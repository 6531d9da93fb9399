"""Forms of the members' meeting pages. The services check the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.ledger.periods import business_today
from tenants.models import Choice, ItemOutcome, ShuSplitVersion, VotingMode


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    book_year = forms.IntegerField(label=_("Book year"), min_value=1900, max_value=9999)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    quorum_percent = forms.DecimalField(
        label=_("Quorum: more than this percentage of eligible members present"),
        min_value=Decimal(0),
        max_value=Decimal("99.99"),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(50),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = business_today()
        self.fields["book_year"].initial = today.year - 1
        self.fields["held_on"].initial = today
        self.fields["title"].initial = _("Annual members' meeting")


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    voting = forms.ChoiceField(label=_("Decided by"), choices=VotingMode.choices)
    split_version = forms.ModelChoiceField(
        label=_("SHU split put to the members (optional)"),
        queryset=ShuSplitVersion.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["split_version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ShuSplitVersion.objects.filter(approved_meeting__isnull=True).order_by(
            "-number"
        )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(label=_("File"))


class AttendanceForm(forms.Form):
    """A scanner types the card's QR text and presses Enter; or type the member number."""

    token = forms.CharField(
        label=_("Member card"),
        max_length=500,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    nomor = forms.CharField(
        label=_("or member number"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class HallVoteForm(AttendanceForm):
    choice = forms.ChoiceField(label=_("Vote"), choices=Choice.choices, widget=forms.RadioSelect)


class CloseItemForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("The meeting"), choices=[("", "-"), *ItemOutcome.choices], required=False
    )


class MemberVoteForm(forms.Form):
    choice = forms.ChoiceField(choices=Choice.choices)
