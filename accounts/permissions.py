"""What a user may DO (writes). What a user may SEE is decided by inspections.selectors.

Views call these after fetching an object through the selectors, so that anything outside the
user's scope has already answered 404; these then answer 403 for a role that may see but not act.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import User


def user_can_act_for_force(*, user: User, force_id: int) -> bool:
    """A liaison officer acts (responds, posts updates and evidence, submits for closure, asks for
    more time) only for the forces they are linked to."""
    if not user.is_authenticated or not user.is_active or not user.is_liaison:
        return False
    return user.liaison_memberships.filter(force_id=force_id).exists()


def user_can_act_for_item(user: User, item) -> bool:
    """May this user record the force's side of `item` (response, progress, evidence, closure claim,
    extension request)? Liaison officers of the item's force only; staff do these through their own
    actions, managers never."""
    return user_can_act_for_force(user=user, force_id=item.force_id)


def user_can_edit(user: User) -> bool:
    """Inspectorate staff (and superusers) change everything else: close, return, decide
    extensions, change target dates, run reviews, manage users."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_inspectorate_staff)


def require_staff(user: User) -> None:
    """Refuse (403) anyone but inspectorate staff and superusers."""
    if not user_can_edit(user):
        raise PermissionDenied("Only inspectorate staff can do this.")


def require_staff_or_manager(user: User) -> None:
    """Refuse (403) liaison officers and users without a role: for pages only the inspectorate reads."""
    if not (user.is_authenticated and user.is_active and (user.is_superuser or user.sees_everything)):
        raise PermissionDenied("Only inspectorate staff and managers can see this.")


def require_can_act_for_item(user: User, item) -> None:
    """Refuse (403) anyone but a liaison officer of the item's force. Fetch `item` through
    inspections.selectors first, so that another force's item has already answered 404."""
    if not user_can_act_for_item(user, item):
        raise PermissionDenied("Only the force's liaison officers can do this.")
