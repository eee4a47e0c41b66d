"""Writes about one's own account."""

from accounts.models import User


def user_set_digest_preference(*, user: User, receives_digests: bool) -> User:
    user.receives_digests = receives_digests
    user._history_user = user
    user._change_reason = "Digest emails on" if receives_digests else "Digest emails off"
    user.save(update_fields=["receives_digests"])
    return user
