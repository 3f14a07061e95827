from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "veche.territories"
    label = "territories"

    def ready(self) -> None:
        from veche.territories import sections

        sections.register()
