"""The one kind of error a service raises when the rules refuse what a user asked for.

A `Refusal` carries the message for the page and, where one field is to blame, its name. Views
catch `Refusal` in one place (`core.forms.add_refusal` puts it on the form beside its field, or at
the top); anything else that goes wrong is a server error, not a refusal."""


class Refusal(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
