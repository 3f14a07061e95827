from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"
    verbose_name = _("Collective appeals")

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.appeals import documents, fraud, notices, operators, queries, sections, services
        from veche.appeals.delivery import send_dispatch
        from veche.appeals.models import DISPATCH_KIND, Comment, Problem
        from veche.core import outbox
        from veche.moderation import registry as moderated

        outbox.register(DISPATCH_KIND, send_dispatch, gave_up=operators.dispatch_gave_up)
        notices.register()
        operators.register()
        fraud.register()
        documents.register_kinds()
        personal_data.register(
            "appeals", export=queries.personal_data, erase=services.erase_personal_data
        )
        # Problems and appeal texts have no hidden state to set, so only comments are registered.
        moderated.register(
            key="comment",
            model=Comment,
            label=_("comment"),
            text=lambda comment: comment.text,
            author=lambda comment: comment.author,
            public_url=lambda comment: f"{comment.problem.get_absolute_url()}#comment-{comment.pk}",
            is_public=lambda comment: comment.problem.status != Problem.Status.DRAFT,
            related=("problem", "author"),
            markdown=True,
            hidden_reason_field="hidden_reason",
        )
        sections.register()
