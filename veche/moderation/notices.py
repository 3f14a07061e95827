"""What authors are told of moderators' decisions about them (registered with notifications
from `ModerationConfig.ready()`): what was decided, on which ground, by a moderator (the role,
never the name), and how to contest it; later, how the contest was decided."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from veche.moderation.models import Decision
from veche.notifications import registry
from veche.notifications.registry import Notice

TITLES = {
    Decision.Action.HIDE: _("A moderator hid your text (%(kind)s)"),
    Decision.Action.WARN: _("A moderator warned you about your text (%(kind)s)"),
    Decision.Action.BLOCK: _("A moderator blocked your account"),
    Decision.Action.LIFT: _("A moderator lifted the block of your account"),
    Decision.Action.APPROVE: _("A moderator approved your text (%(kind)s): it is published"),
    Decision.Action.REFUSE: _("A moderator refused to publish your text (%(kind)s)"),
}


def kind_label(decision: Decision) -> str:
    from veche.moderation import registry as moderated

    kind = moderated.kind_for(decision.content_type) if decision.content_type_id else None
    return str(kind.label) if kind else str(_("content"))


class AboutDecision(Notice):
    def audience(self, decision, context, extra):
        return {decision.author_id} if decision.author_id else set()

    def url(self, decision, extra):
        return reverse("moderation:decision", args=[decision.pk])

    def title_params(self, decision, extra):
        return {"kind": kind_label(decision)}

    def template_context(self, decision, extra):
        return {"decision": decision, "kind": kind_label(decision)} | extra

    @property
    def template_name(self) -> str:
        return f"moderation/notices/{self.kind}.txt"


class DecisionTaken(AboutDecision):
    kind = "moderation_decision"
    title = _("A moderator decided about your text (%(kind)s)")

    def heading(self, decision, extra):
        return str(TITLES.get(decision.action, self.title)) % self.title_params(decision, extra)


class ContestDecided(AboutDecision):
    kind = "moderation_contest_decided"
    title = _("Your objection to a moderator's decision was considered")


def register() -> None:
    registry.register_subject(
        Decision.objects.select_related("content_type", "contest"),
        events={"taken": (DecisionTaken(),), "contest_decided": (ContestDecided(),)},
    )
