from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        post_migrate.connect(_ensure_roles, sender=self)


def _ensure_roles(sender, using="default", **kwargs) -> None:
    # The roles are created by migration 0002; this puts them back after a flush (which a
    # transactional test or `manage.py flush` does, and which no migration runs again after).
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from accounts.roles import roles_ensure

    for label in ("forces", "inspections", "accounts"):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    roles_ensure(using=using)
