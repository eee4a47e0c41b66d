from django.apps import AppConfig


class UsersConfig(AppConfig):
    """Inspectorate staff manage who may sign in, their role and their forces."""

    name = "users"
    verbose_name = "User management"
