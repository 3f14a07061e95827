"""Small groups in published counts of people: which groups of a breakdown are not shown, so that
no one's group can be singled out. One rule for the turnout of an advisory vote (docs/votes.md)
and the participation on the public statistics page (docs/statistics.md), which imports it from
here since the statistics sit above the discussions."""


def hidden_groups(values: list[int], minimum: int) -> list[bool]:
    """Which of a breakdown's groups (the people of one total, each in one group) are hidden.

    - A group of 1 to `minimum`-1 people is hidden.
    - When one is, the empty groups are hidden too: a row that shows "0" beside a hidden group
      tells which groups hold its people.
    - Then the smallest shown groups are hidden, one after another, until the hidden groups
      hold at least `minimum` people: the total minus the shown groups would give the hidden
      ones' number otherwise (a single hidden group exactly).

    A hidden group is to be shown the same whatever the reason (never "fewer than N" for one
    and a mark for another: the total would then pin them down, as 6 = 5 + 1). When every group
    is hidden — a total under `minimum` among them — nothing of the breakdown is worth showing.
    """
    hidden = {i for i, value in enumerate(values) if 0 < value < minimum}
    if hidden:
        hidden |= {i for i, value in enumerate(values) if value == 0}
        shown = sorted((i for i in range(len(values)) if i not in hidden), key=values.__getitem__)
        while shown and sum(values[i] for i in hidden) < minimum:
            hidden.add(shown.pop(0))
    return [i in hidden for i in range(len(values))]
