"""incubation_end: the incubation period of api.md, Onboarding, month arithmetic included."""

from datetime import date

import pytest

from incubator.services import incubation_end


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2027, 1, 15), 6, date(2027, 7, 14)),
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # 30 February neither (2028 is leap)
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
    ],
)
def test_the_incubation_ends_the_day_before_the_same_day_months_later(start, months, end):
    assert incubation_end(start, months) == end
