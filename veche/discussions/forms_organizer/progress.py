"""Progress after the decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.discussions.models import Discussion, Submission

from ._common import REASON_TEXT


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, submission: Submission) -> str:
        text = submission.text if len(submission.text) <= 80 else submission.text[:79] + "…"
        return f"{submission.words.numbered}: {text}"


class MilestoneForm(forms.Form):
    submission = ProposalChoiceField(
        label=_("On"),
        queryset=Submission.objects.none(),
        required=False,
        empty_label=_("The discussion's decision as a whole"),
        help_text=_("Or one accepted proposal: its author is told."),
    )
    title = SingleLineField(label=_("What was done"), max_length=300)
    percent = forms.IntegerField(label=_("Done, %"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Details (optional)"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, discussion: Discussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = discussion.submissions.filter(
            recommendation__in=(
                Submission.Recommendation.ACCEPTED,
                Submission.Recommendation.PARTLY,
            ),
            hidden_at__isnull=True,
        ).order_by("number")
