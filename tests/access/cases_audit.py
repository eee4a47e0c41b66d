"""The record of exports: inspectorate staff only, the page and its CSV."""

from tests.access.matrix import STAFF_ONLY, Case

CASES = [
    Case("audit:export_list", expected=STAFF_ONLY),
    Case("audit:export_list", label="as CSV", query="format=csv", expected=STAFF_ONLY),
]
