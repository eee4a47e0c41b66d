"""The first inspectorate staff account of a new deployment (and any later one, from a shell).

    python manage.py createstaff --email priya.shah@example.gov.uk --name "Priya Shah"

The account is created as the Users page creates one: checked by the same form, saved by
`user_create`, with no password until its owner follows the link emailed to them through the
outbox. Staff then add everyone else from the Users page."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import Role
from users.forms import UserCreateForm
from users.services import user_create


class Command(BaseCommand):
    help = "Create an inspectorate staff account and email its owner a link to choose a password."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True, help="their email address (the link goes there)")
        parser.add_argument("--name", required=True, help='their first and last name, e.g. "Priya Shah"')
        parser.add_argument("--username", help="what they type to sign in (default: the email before the @)")

    def handle(self, *args, email: str, name: str, username: str | None, **options) -> None:
        first, _, last = name.strip().partition(" ")
        if not first or not last.strip():
            raise CommandError(f'--name must give a first and a last name, e.g. "Priya Shah" (got {name!r}).')
        username = username if username is not None else email.strip().partition("@")[0].lower()
        form = UserCreateForm(
            data={
                "first_name": first,
                "last_name": last.strip(),
                "email": email,
                "username": username,
                "role": Role.STAFF,
            }
        )
        if not form.is_valid():
            problems = [
                f"{field if field != '__all__' else 'account'}: {' '.join(errors)}"
                for field, errors in form.errors.items()
            ]
            raise CommandError("No account was created.\n  " + "\n  ".join(problems))
        data = form.cleaned_data
        try:
            user = user_create(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                role=Role.STAFF,
                created_by=None,
            )
        except ValidationError as error:
            raise CommandError(f"No account was created: {' '.join(error.messages)}") from error
        days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
        self.stdout.write(
            f"Created {user.get_full_name()} (username {user.username}), inspectorate staff.\n"
            f"A link to choose a password is in the outbox for {user.email}: the worker sends it within a "
            f"minute. It works once, for {days} days, and starts with SITE_URL ({settings.SITE_URL})."
        )
