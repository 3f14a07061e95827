from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "veche.territories"
    label = "territories"

    def ready(self) -> None:
        from veche.territories import queries, sections

        sections.register()
        queries.watch_territories()
