import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from accounts.models import User
from core.tables import GovukTable


class UserTable(GovukTable):
    label = "Users"
    name = tables.Column(verbose_name="Name", accessor="last_name", order_by=("last_name", "first_name", "username"))
    username = tables.Column(verbose_name="Username")
    email = tables.Column(verbose_name="Email address")
    role = tables.Column(verbose_name="Role", empty_values=(), orderable=False)
    forces = tables.Column(verbose_name="Forces", empty_values=(), orderable=False)
    is_active = tables.Column(verbose_name="Status")

    class Meta(GovukTable.Meta):
        model = User
        fields = ["name", "username", "email", "role", "forces", "is_active"]
        empty_text = "There are no users yet."

    def render_name(self, record: User) -> str:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', reverse("users:user_edit", args=[record.pk]), str(record)
        )

    def render_role(self, record: User) -> str:
        return record.role.label if record.role else "No role"

    def render_forces(self, record: User) -> str:
        return ", ".join(force.name for force in record.liaison_forces.all())

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<strong class="govuk-tag govuk-tag--green">{}</strong>', "Active")
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Deactivated")
