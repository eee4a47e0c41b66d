from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and recommendations"

    def ready(self) -> None:
        post_migrate.connect(_ensure_programmes, sender=self)


def _ensure_programmes(sender, using="default", **kwargs) -> None:
    # Migration 0002 creates the programmes; this puts them back after a flush (transactional
    # tests, `manage.py flush`), which no migration runs again after.
    from inspections.models import Programme
    from inspections.programmes import PROGRAMMES

    for slug, name, is_follow_up in PROGRAMMES:
        Programme.objects.using(using).get_or_create(slug=slug, defaults={"name": name, "is_follow_up": is_follow_up})
