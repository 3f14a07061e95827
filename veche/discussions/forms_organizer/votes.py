"""The organizer's form of an advisory vote question (docs/votes.md)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import VoteQuestion

from ._common import LocalDateTimeField, in_zone, local_naive


class VoteQuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=VoteQuestion.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    note = forms.CharField(
        label=_("Explanation"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    options = forms.CharField(
        label=_("Answer options"),
        required=False,
        max_length=6000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("One a line; not needed for a scale."),
    )
    scale_min = forms.IntegerField(
        label=_("Lowest mark"), required=False, initial=1, min_value=-10, max_value=10
    )
    scale_max = forms.IntegerField(
        label=_("Highest mark"), required=False, initial=5, min_value=-10, max_value=10
    )
    scale_min_label = forms.CharField(
        label=_("The lowest mark means"), required=False, max_length=100
    )
    scale_max_label = forms.CharField(
        label=_("The highest mark means"), required=False, max_length=100
    )
    opens_at = LocalDateTimeField(
        label=_("Voting opens"),
        required=False,
        help_text=_("Empty: when the intake of submissions opens. The discussion's time zone."),
    )
    closes_at = LocalDateTimeField(
        label=_("Voting closes"),
        required=False,
        help_text=_("Empty: when the intake of submissions closes."),
    )

    def __init__(self, *args, discussion, question: VoteQuestion | None = None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(question, name) for name in self.base_fields if name != "options"},
                "options": "\n".join(option.text for option in question.options.all()),
                "opens_at": local_naive(question.opens_at, discussion.time_zone),
                "closes_at": local_naive(question.closes_at, discussion.time_zone),
            }
        super().__init__(*args, **kwargs)
        self.discussion = discussion

    def question_fields(self) -> tuple[dict, list[str]]:
        """The fields for `services.add_question`, and the answers."""
        data = dict(self.cleaned_data)
        for name in ("opens_at", "closes_at"):
            data[name] = in_zone(data[name], self.discussion.time_zone)
        data["scale_min"] = 1 if data["scale_min"] is None else data["scale_min"]
        data["scale_max"] = 5 if data["scale_max"] is None else data["scale_max"]
        options = data.pop("options").splitlines()
        return data, options
