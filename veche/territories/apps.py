from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "veche.territories"
    verbose_name = _("Territories")
    label = "territories"

    def ready(self) -> None:
        from veche.core import stamped
        from veche.territories import picker, queries, sections

        sections.register()
        stamped.read_with_pages(lambda _user_id: [picker.picker_read()])
        queries.watch_territories()
