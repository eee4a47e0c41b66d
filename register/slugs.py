"""Stable public addresses. Forces and inspections carry their own slugs (Force.slug,
Inspection.slug, set once and never changed); a finding is addressed by its reference within its
inspection, which the inspectorate never reuses."""

from django.utils.text import slugify


def reference_slug(reference: str) -> str:
    """ "R3" -> "r3", "AFI 2" -> "afi-2"."""
    return slugify(reference) or "finding"
