from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "veche.moderation"
    verbose_name = _("Moderation")
    label = "moderation"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.core.navigation import register_workspace
        from veche.identity.eligibility import register_restriction
        from veche.moderation import blocks, notices, queries

        # Complaints stay with the anonymous account on erasure: they are the moderators'
        # record of a decision about someone else's content.
        personal_data.register("moderation", export=queries.personal_data)
        notices.register()
        # A blocked account is refused wherever eligibility is checked, with the block's end.
        register_restriction("moderation.block", blocks.why_blocked, reads=blocks.reads_of)
        register_workspace(
            label=_("Moderation"),
            url_name="moderation:queue",
            permission="moderation.moderate",
            order=40,
        )
