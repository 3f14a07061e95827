from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.appeals import queries, services

        personal_data.register(
            "appeals", export=queries.personal_data, erase=services.erase_personal_data
        )
