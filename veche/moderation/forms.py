"""The moderators' forms: one decision about an item, the decision of a contest; the author's
objection."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.moderation.models import Decision, Ground


class ActionForm(forms.Form):
    """One act on an item: which, on which ground, for how long (a block), and why."""

    action = forms.ChoiceField(choices=Decision.Action.choices, widget=forms.HiddenInput)
    ground = forms.ChoiceField(
        label=_("Ground"), choices=[("", "—"), *Ground.choices], required=False
    )
    for_good = forms.BooleanField(label=_("Block for good"), required=False)
    note = forms.CharField(
        label=_("Explanation to the author"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    field_order = ["action", "ground", "days", "for_good", "note"]
    NEEDS_GROUND = (
        Decision.Action.HIDE,
        Decision.Action.WARN,
        Decision.Action.BLOCK,
        Decision.Action.REFUSE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest block is a setting, read when the form is made.
        self.fields["days"] = forms.IntegerField(
            label=_("Block for, days"),
            required=False,
            min_value=1,
            max_value=settings.VECHE_MODERATION_MAX_BLOCK_DAYS,
        )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in self.NEEDS_GROUND and not data.get("ground"):
            self.add_error("ground", _("Choose a ground from the published list."))
        if action == Decision.Action.BLOCK:
            if data.get("for_good"):
                data["days"] = None
            elif not data.get("days"):
                self.add_error("days", _("Say for how many days, or block for good."))
        if action == Decision.Action.LIFT and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the block is lifted."))
        return data


class ContestForm(forms.Form):
    text = forms.CharField(
        label=_("Why the decision is wrong"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ContestDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision on the contest"),
        choices=[("upheld", _("Uphold the decision")), ("reversed", _("Reverse the decision"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer to the author"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
