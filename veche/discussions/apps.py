from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    verbose_name = _("Public discussions")
    label = "discussions"

    def ready(self) -> None:
        from django.core import checks as system_checks

        from veche.accounts import personal_data
        from veche.core import outbox
        from veche.core.navigation import register_workspace
        from veche.discussions import (
            checks,
            notices,
            queries,
            queries_debate,
            queries_votes,
            sections,
            services,
        )
        from veche.discussions.models import RecordBuild, Reply, Submission
        from veche.discussions.records import builds
        from veche.discussions.records import kinds as document_kinds
        from veche.discussions.tasks import RECEIPT_KIND, send_receipt_email
        from veche.moderation import registry as moderated

        system_checks.register(checks.limited_subjects)
        outbox.register(RECEIPT_KIND, send_receipt_email)
        notices.register()
        document_kinds.register_kinds()
        builds.register_finisher(RecordBuild.Kind.PROTOCOL, services.keep_signed_protocol)
        builds.register_finisher(RecordBuild.Kind.CONCLUSION, services.keep_published_conclusion)
        personal_data.register(
            "discussions", export=queries.personal_data, erase=services.erase_personal_data
        )
        # Replies, marks and votes have nothing to erase: replies stay under the participant
        # number and marks and votes keep counting, as comments and ratings on appeals do.
        personal_data.register("discussion_debate", export=queries_debate.personal_data)
        personal_data.register("discussion_votes", export=queries_votes.personal_data)
        sections.register()
        register_workspace(
            label=_("Discussions I run"),
            url_name="discussions:organizer",
            permission="discussions.organize",
            order=20,
        )
        # Proposals, remarks and questions to the experts are published with their numbers; a
        # hidden one stays in the public list and the protocol under its number, its text
        # masked and the ground given (every submission is recorded), and leaves the experts'
        # queue.
        moderated.register(
            key="submission",
            model=Submission,
            label=_("submission"),
            text=lambda submission: submission.text,
            author=lambda submission: submission.author,
            public_url=lambda submission: submission.get_absolute_url(),
            is_public=lambda submission: submission.discussion.is_public,
            related=("discussion", "author"),
            hidden_reason_field="hidden_reason",
        )
        # Replies in the debate on a proposal or remark: published at once, hidden by a
        # moderator like comments (a placeholder keeps the thread readable).
        moderated.register(
            key="reply",
            model=Reply,
            label=_("reply to a submission"),
            text=lambda reply: reply.text,
            author=lambda reply: reply.author,
            public_url=lambda reply: reply.get_absolute_url(),
            is_public=lambda reply: reply.submission.discussion.is_public,
            related=("submission__discussion", "author"),
            markdown=True,
            hidden_reason_field="hidden_reason",
        )
