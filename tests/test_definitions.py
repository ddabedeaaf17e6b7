"""School years and organization codes as files write them."""

import pytest

from analytics.definitions import (
    PEOPLE_OF_COLOR,
    RACES,
    parse_org_code,
    parse_school_year,
    school_years_between,
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2023-24", "2023-24"),
        ("2023-2024", "2023-24"),
        ("2024", "2023-24"),  # a bare year is the spring year
        (2024, "2023-24"),
        ("2024.0", "2023-24"),
        ("SY23-24", "2023-24"),
        ("SY2024", "2023-24"),
        ("FY2024", "2023-24"),
        ("FY24", "2023-24"),
        ("1999-00", "1999-00"),
        (" 2019-20 ", "2019-20"),
        ("2023-25", None),
        ("twenty", None),
        ("", None),
        (None, None),
    ],
)
def test_school_years(written, expected):
    assert parse_school_year(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("00350000", "00350000"),
        ("350000", "00350000"),
        (350000, "00350000"),
        ("350000.0", "00350000"),
        ("10000", "00010000"),
        ("35", None),
        ("0035A000", None),
        ("123456789", None),
    ],
)
def test_org_codes(written, expected):
    parsed = parse_org_code(written)
    assert (parsed.code if parsed else None) == expected


def test_school_code_rolls_up_to_its_district():
    school = parse_org_code("350505")
    assert school.code == "00350505" and school.district_code == "00350000" and not school.is_district


def test_people_of_color_are_every_category_but_white():
    assert len(RACES) == 7 and set(RACES) - set(PEOPLE_OF_COLOR) == {"White"}
    assert school_years_between("2016-17", "2019-20") == ["2016-17", "2017-18", "2018-19", "2019-20"]
