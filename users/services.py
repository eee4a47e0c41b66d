"""Writes about users: create, change role and forces, deactivate. Every write is
recorded by simple-history with the user who made it (`changed_by`), so the same functions serve
views, the admin, commands and tasks."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.roles import GROUP_NAMES, Role
from core.urls import absolute_url
from forces.models import Force, LiaisonMembership
from notifications.services import message_enqueue


def _check_role_and_forces(*, role: Role | str, forces: Iterable[Force]) -> list[Force]:
    forces = list(forces)
    if role == Role.LIAISON and not forces:
        raise ValidationError({"forces": "Select at least one force for a force liaison officer"})
    if role != Role.LIAISON and forces:
        raise ValidationError({"forces": "Only force liaison officers act for a force: clear the forces"})
    return forces


def _describe(*, role: Role | str, forces: list[Force]) -> str:
    text = f"Role: {Role(role).label}"
    if forces:
        text += "; forces: " + ", ".join(sorted(f.name for f in forces))
    return text


def _set_role_and_forces(*, user: User, role: Role | str, forces: list[Force], changed_by: User | None) -> None:
    ours = Group.objects.filter(name__in=GROUP_NAMES.values())
    user.groups.remove(*ours)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[Role(role)]))
    wanted = {f.id for f in forces}
    for membership in user.liaison_memberships.exclude(force_id__in=wanted):
        membership._history_user = changed_by
        membership.delete()
    have = set(user.liaison_memberships.values_list("force_id", flat=True))
    for force in forces:
        if force.id not in have:
            membership = LiaisonMembership(user=user, force=force)
            membership._history_user = changed_by
            membership.save()
    user.__dict__.pop("role", None)  # the cached role is stale now


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: Role | str,
    forces: Iterable[Force] = (),
    created_by: User | None,
) -> User:
    """Create a user with a role (and forces, for a liaison officer). They have no password until
    they follow the link emailed to them (through the outbox, after the user is committed)."""
    forces = _check_role_and_forces(role=role, forces=forces)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "A user with this username already exists"})
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_unusable_password()
    user._history_user = created_by
    user._change_reason = _describe(role=role, forces=forces)
    user.save()
    _set_role_and_forces(user=user, role=role, forces=forces, changed_by=created_by)
    user_send_set_password_email(user=user)
    return user


@transaction.atomic
def user_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    role: Role | str,
    forces: Iterable[Force] = (),
    changed_by: User | None,
) -> User:
    """Change a user's name, email, role and forces. The change reason on the user's history
    records the new role and forces, since group membership itself has no history."""
    forces = _check_role_and_forces(role=role, forces=forces)
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user._history_user = changed_by
    user._change_reason = _describe(role=role, forces=forces)
    user.save(update_fields=["first_name", "last_name", "email"])
    _set_role_and_forces(user=user, role=role, forces=forces, changed_by=changed_by)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, changed_by: User | None) -> User:
    """Deactivate (they can no longer sign in; their records keep their name) or reactivate."""
    if not active and changed_by is not None and user.pk == changed_by.pk:
        raise ValidationError("You cannot deactivate your own account")
    user.is_active = active
    user._history_user = changed_by
    user._change_reason = "Reactivated" if active else "Deactivated"
    # No need to end their sessions: ModelBackend.get_user refuses inactive users, so their next
    # request is anonymous.
    user.save(update_fields=["is_active"])
    return user


def user_send_set_password_email(*, user: User) -> None:
    """Email a user a one-time link to choose their password (the password reset link, which
    expires after PASSWORD_RESET_TIMEOUT), through the outbox like every other email."""
    token = default_token_generator.make_token(user)
    url = absolute_url(
        "accounts:password_reset_confirm", uidb64=urlsafe_base64_encode(force_bytes(user.pk)), token=token
    )
    message_enqueue(
        recipient=user,
        reason="set_password",
        key=f"{user.pk}:set-password:{token}",
        subject="Your Recommendation Tracker account",
        body=render_to_string("registration/new_account_email.txt", {"user": user, "url": url}),
    )
