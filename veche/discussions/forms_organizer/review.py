"""Review: the recommendation on a submission and the conclusion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Submission

from ._common import LONG_TEXT, REASON_TEXT


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Submission.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=REASON_TEXT,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the submission and in the conclusion."),
    )

    def __init__(self, *args, submission: Submission, **kwargs):
        kwargs.setdefault("prefix", f"s{submission.pk}")
        kwargs.setdefault(
            "initial",
            {
                "recommendation": submission.recommendation or None,
                "reason": submission.recommendation_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.submission = submission


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=_("Overall conclusions"),
        max_length=LONG_TEXT,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The organizer's reasoned conclusions on the results, printed in the conclusion. "
            "Once published, the conclusion never changes."
        ),
    )
