from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "veche.moderation"
    label = "moderation"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.moderation import queries

        # Complaints stay with the anonymous account on erasure: they are the moderators'
        # record of a decision about someone else's content.
        personal_data.register("moderation", export=queries.personal_data)
