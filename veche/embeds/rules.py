"""Who manages the sites allowed to embed Veche's widgets: staff an administrator granted the
model permission to change them (a staff flag alone grants nothing), as with the other
operators' powers."""

import rules


@rules.predicate
def holds_origin_permission(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("embeds.change_embedorigin")
    )


rules.add_perm("embeds.manage_origins", holds_origin_permission)
