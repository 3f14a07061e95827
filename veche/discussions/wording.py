"""What each kind of submission is called in the sentences that name one: a question is confirmed
as a question ("Ваш вопрос зарегистрирован под номером…"), never as a proposal. Russian agrees
the verb with the noun ("предложение зарегистрировано", "вопрос зарегистрирован"), so each
sentence is written whole for each kind, not assembled from a noun.

A submission's sentences, in the active language: `submission.words.receipt` and so on (see
`Wording`); the phrases themselves, for a kind without a submission yet: `PHRASES[kind]`."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Phrases:
    """The sentences that name one submission of a kind; %(number)s is its registration number,
    %(title)s the discussion's title, %(recommendation)s the organizer's recommendation."""

    numbered: Promise  # the heading of its page
    yours_registered: Promise  # to the participant who just sent it
    registered: Promise  # to the official who registered it from paper
    already_registered: Promise  # the same paper registered twice
    receipt_subject: Promise
    receipt: Promise  # the receipt's first sentence
    reviewed: Promise  # the title of the notice of the organizer's recommendation
    recommendation: Promise  # the notice's text
    not_reviewed: Promise  # on its page, until the organizer's recommendation
    awaiting: Promise  # its status until then
    write_it: Promise  # the text is too short


PHRASES: dict[str, Phrases] = {
    "proposal": Phrases(
        numbered=_("Proposal %(number)s"),
        yours_registered=_("Your proposal is registered under number %(number)s."),
        registered=_("The proposal is registered under number %(number)s."),
        already_registered=_("This proposal is already registered under number %(number)s."),
        receipt_subject=_("Proposal %(number)s is registered"),
        receipt=_(
            "Your proposal to the discussion “%(title)s” is registered under number %(number)s."
        ),
        reviewed=_("The organizer reviewed your proposal on “%(title)s”"),
        recommendation=_("Your proposal %(number)s: %(recommendation)s."),
        not_reviewed=_(
            "The organizer has not reviewed this proposal yet: it gets a reasoned recommendation "
            "before the protocol is signed."
        ),
        awaiting=pgettext_lazy("proposal", "registered, awaiting review"),
        write_it=_("Write your proposal: at least a sentence."),
    ),
    "remark": Phrases(
        numbered=_("Remark %(number)s"),
        yours_registered=_("Your remark is registered under number %(number)s."),
        registered=_("The remark is registered under number %(number)s."),
        already_registered=_("This remark is already registered under number %(number)s."),
        receipt_subject=_("Remark %(number)s is registered"),
        receipt=_(
            "Your remark to the discussion “%(title)s” is registered under number %(number)s."
        ),
        reviewed=_("The organizer reviewed your remark on “%(title)s”"),
        recommendation=_("Your remark %(number)s: %(recommendation)s."),
        not_reviewed=_(
            "The organizer has not reviewed this remark yet: it gets a reasoned recommendation "
            "before the protocol is signed."
        ),
        awaiting=pgettext_lazy("remark", "registered, awaiting review"),
        write_it=_("Write your remark: at least a sentence."),
    ),
    "question": Phrases(
        numbered=_("Question %(number)s"),
        yours_registered=_("Your question is registered under number %(number)s."),
        registered=_("The question is registered under number %(number)s."),
        already_registered=_("This question is already registered under number %(number)s."),
        receipt_subject=_("Question %(number)s is registered"),
        receipt=_(
            "Your question to the experts of the discussion “%(title)s” is registered under "
            "number %(number)s."
        ),
        reviewed=_("The organizer reviewed your question on “%(title)s”"),
        recommendation=_("Your question %(number)s: %(recommendation)s."),
        not_reviewed=_(
            "The organizer has not reviewed this question yet: it gets a reasoned recommendation "
            "before the protocol is signed."
        ),
        awaiting=pgettext_lazy("question", "registered, awaiting review"),
        write_it=_("Write your question: at least a sentence."),
    ),
}


class _Values:
    """The values of a sentence's placeholders, read only when the sentence has them (a mapping
    for %-formatting; not Wording itself, which templates would then read as a dictionary)."""

    def __init__(self, submission):
        self.submission = submission

    def __getitem__(self, key: str) -> str:
        submission = self.submission
        if key == "number":
            return submission.registration_number
        if key == "title":
            return submission.discussion.title
        if key == "recommendation":
            return str(submission.get_recommendation_display())
        raise KeyError(key)


class Wording:
    """The sentences naming one submission, said in the active language when read."""

    def __init__(self, submission):
        self.submission = submission

    def _say(self, phrase: str) -> str:
        return str(getattr(PHRASES[self.submission.kind], phrase)) % _Values(self.submission)

    @property
    def numbered(self) -> str:
        return self._say("numbered")

    @property
    def yours_registered(self) -> str:
        return self._say("yours_registered")

    @property
    def registered(self) -> str:
        return self._say("registered")

    @property
    def already_registered(self) -> str:
        return self._say("already_registered")

    @property
    def receipt_subject(self) -> str:
        return self._say("receipt_subject")

    @property
    def receipt(self) -> str:
        return self._say("receipt")

    @property
    def reviewed(self) -> str:
        return self._say("reviewed")

    @property
    def recommendation(self) -> str:
        return self._say("recommendation")

    @property
    def not_reviewed(self) -> str:
        return self._say("not_reviewed")

    @property
    def awaiting(self) -> str:
        return self._say("awaiting")
