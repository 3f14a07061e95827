"""Materials: a new document and a new version of one."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.discussions.models import Material

from ._common import ExpertsField


class MaterialForm(forms.Form):
    title = SingleLineField(
        label=_("Title of the document"),
        max_length=300,
        help_text=_("As participants will see it, e.g. “Explanatory note”."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": settings.VECHE_MATERIAL_MAX_MB
        }


class MaterialVersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Participants see it next to the version. Required once published."),
    )

    def __init__(self, *args, material: Material, **kwargs):
        kwargs.setdefault("prefix", f"material-{material.pk}")
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": settings.VECHE_MATERIAL_MAX_MB
        }


class MaterialExpertsForm(forms.Form):
    """Which of the discussion's experts answer the questions about one document."""

    experts = ExpertsField(
        label=_("Experts who answer for it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Questions about this document go to them; with none chosen, to all the experts. "
            "Any expert may still answer any question."
        ),
    )

    def __init__(self, *args, material: Material, candidates, **kwargs):
        kwargs.setdefault("prefix", f"experts-{material.pk}")
        kwargs.setdefault("initial", {"experts": [e.pk for e in material.experts.all()]})
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["experts"].queryset = candidates
