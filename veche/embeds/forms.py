"""The operator's form to allow a site to embed the widgets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField


class OriginForm(forms.Form):
    origin = SingleLineField(
        label=_("Site"),
        max_length=255,
        help_text=_("Its address without a path, e.g. https://admin.example.ru"),
    )
    reason = SingleLineField(
        label=_("Why"),
        max_length=300,
        help_text=_("E.g. the district administration's official site, its letter No. 12."),
    )
