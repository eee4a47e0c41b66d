import datetime as dt

import pytest

from core.spreadsheets import neutralise


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"])
def test_formulas_become_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Cleveland Police", 42, -3, dt.date(2026, 3, 31), None, ""])
def test_other_values_pass_through(value):
    assert neutralise(value) == value
