"""url_maker: one reverse() for many rows gives each row the address reverse() would."""

import pytest

from core.urls import absolute_url, url_maker


@pytest.mark.parametrize(
    "name", ["inspections:item_detail", "inspections:inspection_detail", "inspections:review_detail"]
)
def test_url_maker_gives_what_absolute_url_gives(name, settings):
    settings.SITE_URL = "https://tracker.example.org/"
    make = url_maker(name)
    for pk in (1, 7, 42, 987654321987, 10**15):
        assert make(pk) == absolute_url(name, pk=pk)
    with pytest.raises(ValueError):
        make("1/../../admin")
