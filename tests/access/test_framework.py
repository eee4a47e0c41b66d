"""The matrix framework itself: undeclared methods are generated, the fingerprint sees changes."""

import pytest

from tests.access.matrix import ALL_REFUSED, READ_ALL_SIGNED_IN, Case, database_fingerprint, undeclared_method_cases


def test_a_get_only_url_gets_a_refused_post_and_a_post_only_url_a_refused_get():
    declared = [
        Case("forces:force_list"),
        Case("logout", method="POST"),
        Case("accounts:profile"),
        Case("accounts:profile", method="POST", expected=READ_ALL_SIGNED_IN),
    ]
    extra = undeclared_method_cases(declared)
    assert {(case.url_name, case.method) for case in extra} == {("forces:force_list", "POST"), ("logout", "GET")}
    assert all(case.expected == ALL_REFUSED and case.snapshot is database_fingerprint for case in extra)


def test_each_kwargs_label_gets_its_own_undeclared_case():
    declared = [
        Case("forces:force_detail", kwargs=lambda w: {"slug": "a"}, label="own force"),
        Case("forces:force_detail", kwargs=lambda w: {"slug": "b"}, label="other force"),
    ]
    extra = undeclared_method_cases(declared)
    assert sorted(case.kwargs(None)["slug"] for case in extra) == ["a", "b"]
    assert {case.label for case in extra} == {"own force (undeclared method)", "other force (undeclared method)"}


@pytest.mark.django_db
def test_the_fingerprint_sees_a_change_in_any_column(world):
    before = database_fingerprint(world)
    world.item.response_reason = "changed"
    world.item.save(update_fields=["response_reason"])
    assert database_fingerprint(world) != before
