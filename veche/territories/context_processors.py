"""What every page's header needs from territories: the picker of 'my territory'."""

from veche.territories.my_territory import chosen_code
from veche.territories.queries import picker_choices


def territory_picker(request):
    return {
        "picker_territories": picker_choices,  # called lazily, only by the header
        "current_territory_code": chosen_code(request),
    }
