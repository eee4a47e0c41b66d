"""A gunicorn worker readies itself before its first request (core/warm.py)."""

import importlib.util
from pathlib import Path

import pytest
from django.template import engines

from core.warm import _template_names, warm_up

ROOT = Path(__file__).resolve().parents[2]


def _cached_loader():
    engine = engines["django"].engine
    return next(loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache"))


@pytest.mark.django_db
def test_warm_up_compiles_every_project_template_and_the_form_widgets():
    loader = _cached_loader()
    loader.reset()
    compiled = warm_up()
    names = _template_names()
    assert compiled == len(names)
    project = {str(p.relative_to(ROOT / "templates")) for p in (ROOT / "templates").rglob("*.html")}
    assert project <= set(names)
    assert {"inspections/dashboard.html", "base.html", "django/forms/widgets/select.html"} <= set(names)
    # Each is in the cached loader now: the first request compiles none of them.
    assert {"inspections/dashboard.html", "django/forms/widgets/select.html"} <= set(loader.get_template_cache)


@pytest.mark.django_db
def test_every_gunicorn_worker_warms_up_before_its_first_request():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    loader = _cached_loader()
    loader.reset()
    conf.post_worker_init(worker=None)  # the hook gunicorn calls in each new worker
    assert "inspections/dashboard.html" in loader.get_template_cache
