from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _problem_text(problem) -> str:
    """What a moderator reads of a problem: its title, its description and the appeal's current
    text (which the author and accepted proposals may have changed since publishing)."""
    parts = [problem.title, problem.description]
    appeal = problem.current_appeal
    # All of the appeal's revisions (a handful), prefetched for a page of the queue.
    revisions = list(appeal.revisions.all()) if appeal is not None else []
    if revisions:
        parts.append(max(revisions, key=lambda revision: revision.number).text)
    return "\n\n".join(part for part in parts if part)


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"
    verbose_name = _("Collective appeals")

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.appeals import documents, fraud, notices, operators, queries, sections, services
        from veche.appeals.delivery import send_dispatch, send_supplementary_list, send_take_up
        from veche.appeals.models import (
            DISPATCH_KIND,
            SUPPLEMENTARY_KIND,
            TAKE_UP_KIND,
            Comment,
            Problem,
        )
        from veche.appeals.rules import problem_is_public
        from veche.appeals.views.problem_page import forget_problem_page, watch_page_content
        from veche.core import outbox
        from veche.moderation import registry as moderated
        from veche.notifications import registry as notification_rounds

        outbox.register(
            DISPATCH_KIND,
            send_dispatch,
            gave_up=operators.dispatch_gave_up,
            operated=operators.dispatch_letter_operated,
        )
        outbox.register(TAKE_UP_KIND, send_take_up, gave_up=operators.letter_gave_up)
        outbox.register(
            SUPPLEMENTARY_KIND, send_supplementary_list, gave_up=operators.letter_gave_up
        )
        notices.register()
        watch_page_content()
        # After the overdue notices: the first reminder carries the signatures given since.
        notification_rounds.register_daily(
            "appeals.supplementary_lists",
            label="Supplementary lists sent with the first reminder",
            run=services.send_lists_with_reminders,
        )
        operators.register()
        fraud.register()
        documents.register_kinds()
        personal_data.register(
            "appeals", export=queries.personal_data, erase=services.erase_personal_data
        )
        # A problem is reported with its appeal's current text: hiding it hides both.
        moderated.register(
            key="problem",
            model=Problem,
            label=_("problem"),
            text=_problem_text,
            author=lambda problem: problem.author,
            public_url=lambda problem: problem.get_absolute_url(),
            is_public=problem_is_public,
            related=("author", "current_appeal"),
            prefetch=("current_appeal__revisions",),
            hidden_reason_field="hidden_reason",
            changed=lambda problem: forget_problem_page(problem.pk),
            # Pre-moderation: publishing a held problem is the rest of publishing it.
            prepublication=moderated.Prepublication(
                awaiting=queries.awaiting_problems,
                is_awaiting=lambda problem: problem.status == Problem.Status.AWAITING,
                is_refused=lambda problem: problem.status == Problem.Status.REFUSED,
                publish=services.release_problem,
                refuse=services.refuse_problem,
            ),
        )
        moderated.register(
            key="comment",
            model=Comment,
            label=_("comment"),
            text=lambda comment: comment.text,
            author=lambda comment: comment.author,
            public_url=lambda comment: f"{comment.problem.get_absolute_url()}#comment-{comment.pk}",
            # A comment is as public as its problem: one hidden, held or refused is not
            # reported through its comments either.
            is_public=lambda comment: problem_is_public(comment.problem),
            related=("problem", "author"),
            markdown=True,
            hidden_reason_field="hidden_reason",
        )
        sections.register()
