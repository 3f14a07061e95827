"""A hearing's meeting: its place, length and broadcast; its record; the operator's list of
broadcast sites."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.discussions.meeting import parse_link

from ._common import LONG_TEXT, REASON_TEXT


class LinkField(forms.CharField):
    """An https address (a broadcast, a recording): anything else is refused with the reason."""

    def __init__(self, **kwargs):
        super().__init__(max_length=500, required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_link(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class MeetingForm(forms.Form):
    place = SingleLineField(label=_("Meeting place"), max_length=300, required=False)
    length = forms.IntegerField(
        label=_("Length, minutes"),
        min_value=15,
        max_value=24 * 60,
        help_text=_("Remarks are taken online from the start of the meeting for this long."),
    )
    broadcast_url = LinkField(
        label=_("Broadcast link"),
        help_text=_(
            "Any provider, an https address. A player from a site on the operator's list is shown "
            "on the hearing's page; any other broadcast is a link that opens in a new tab."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for a new place"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only when the place changes after the notice: published with the change and sent "
            "to the followers."
        ),
    )


class MeetingRecordForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes of the meeting"),
        max_length=LONG_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown. Published on the hearing's page and in the protocol."),
    )
    recording_url = LinkField(label=_("Recording link"))


class BroadcastOriginForm(forms.Form):
    origin = SingleLineField(
        label=_("Site"),
        max_length=255,
        help_text=_("Its address without a path, e.g. https://video.example.ru"),
    )
    reason = SingleLineField(
        label=_("Why"),
        max_length=300,
        help_text=_("E.g. the region's broadcasting service, contract No. 7."),
    )
