"""Display helpers of the cabinet: the deadline badge every list and page shows the same way,
and whether the cabinet's bar offers the staff page."""

import rules
from django import template

from veche.cabinet.deadlines import DeadlineState, days_left, deadline_state, registration_due

register = template.Library()


@register.inclusion_tag("cabinet/_deadline.html")
def deadline_badge(appeal, today):
    state = deadline_state(appeal, today)
    register_by = registration_due(appeal) if appeal.status == appeal.Status.SENT else None
    left = days_left(appeal.due_date, today)
    registration_late = register_by is not None and register_by < today
    if registration_late:  # overdue for registration: said as such, not by days past an answer
        state = DeadlineState.NONE
    return {
        "appeal": appeal,
        "state": state.value,
        "days_left": left,
        "days_over": -left if left is not None and left < 0 else None,
        "register_by": register_by,
        "registration_late": registration_late,
    }


@register.filter
def manages_staff(user) -> bool:
    return rules.has_perm("cabinet.manage_staff", user)
