"""What every page's header needs from territories: the picker of 'my territory'."""

from functools import partial

from veche.territories import picker
from veche.territories.my_territory import chosen_code


def territory_picker(request):
    # Called by the header only, when it renders the picker (a template calls a callable).
    return {"picker_options": partial(picker.options, chosen_code(request))}
