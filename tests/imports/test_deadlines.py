"""Deadlines as reports word them become target dates, each with how it was worked out."""

import datetime as dt

import pytest

from imports.deadlines import DateFormError, date_parse, target_derive

PUBLISHED = dt.date(2023, 3, 30)  # Values and culture in fire and rescue services


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2027-03-31", dt.date(2027, 3, 31)),
        ("31/03/2027", dt.date(2027, 3, 31)),
        ("31/3/27", dt.date(2027, 3, 31)),
        ("31.03.2027", dt.date(2027, 3, 31)),
        ("31 March 2027", dt.date(2027, 3, 31)),
        ("31 Mar 2015", dt.date(2015, 3, 31)),
        ("1st January 2024", dt.date(2024, 1, 1)),
        ("22nd Sept 2019", dt.date(2019, 9, 22)),
        ("March 31st, 2027", dt.date(2027, 3, 31)),
        ("  1 october 2023 ", dt.date(2023, 10, 1)),
    ],
)
def test_dates_written_every_usual_way_are_read_day_first(written, day):
    assert date_parse(written) == day
    derived = target_derive(cell=written, text="", published_on=None, category="recommendation")
    assert (derived.day, derived.how, derived.problem) == (day, "", "")


@pytest.mark.parametrize(
    ("written", "day", "how"),
    [
        ("Within six months", dt.date(2023, 9, 30), '"Within six months": 6 months after publication (30 March 2023)'),
        ("within 28 days", dt.date(2023, 4, 27), '"within 28 days": 28 days after publication (30 March 2023)'),
        ("Within 3 months of publication", dt.date(2023, 6, 30), "3 months after publication (30 March 2023)"),
        ("within twenty-eight days", dt.date(2023, 4, 27), "28 days after publication"),
        ("12 weeks after publication", dt.date(2023, 6, 22), "12 weeks after publication"),
        ("within one year", dt.date(2024, 3, 30), "1 year after publication"),
        ("Immediately", PUBLISHED, '"Immediately": the publication date'),
        ("Not later than 31 March 2015", dt.date(2015, 3, 31), '"Not later than 31 March 2015"'),
        ("By 1 October 2023", dt.date(2023, 10, 1), '"By 1 October 2023"'),
        ("Before 1 April 2016", dt.date(2016, 3, 31), "the day before"),
        ("March 2015", dt.date(2015, 3, 31), "the end of March 2015"),
        ("by the end of March 2015", dt.date(2015, 3, 31), "the end of March 2015"),
    ],
)
def test_deadline_phrases_are_worked_out_and_say_how(written, day, how):
    derived = target_derive(cell=written, text="", published_on=PUBLISHED, category="recommendation")
    assert derived.day == day
    assert how in derived.how
    assert derived.problem == ""


def test_a_month_count_from_the_31st_lands_on_the_last_day_of_a_shorter_month():
    derived = target_derive(
        cell="within one month", text="", published_on=dt.date(2019, 1, 31), category="recommendation"
    )
    assert derived.day == dt.date(2019, 2, 28)


def test_excel_dates_are_taken_as_they_are():
    assert target_derive(
        cell=dt.datetime(2027, 3, 31, 0, 0), text="", published_on=None, category="recommendation"
    ).day == (dt.date(2027, 3, 31))


@pytest.mark.parametrize(
    ("text", "day", "how"),
    [
        (
            "By 1 October 2023, chief fire officers should make sure their services provide a confidential way for "
            "staff to raise concerns and that staff are aware of whistleblowing processes.",
            dt.date(2023, 10, 1),
            'From the text: "By 1 October 2023"',
        ),
        (
            "Within six months, all forces not already complying with current national vetting policy should have "
            "started to implement a sufficient plan to do so.",
            dt.date(2023, 9, 30),
            'From the text: "Within six months": 6 months after publication',
        ),
        (
            "By September 2014, every police force in England and Wales should establish and publish an action plan.",
            dt.date(2014, 9, 30),
            "the end of September 2014",
        ),
        (
            "To address this cause of concern:\n\nWithin three months, all forces should complete a review.",
            dt.date(2023, 6, 30),
            "3 months",
        ),
    ],
)
def test_an_empty_target_takes_the_deadline_the_text_opens_with(text, day, how):
    derived = target_derive(cell="", text=text, published_on=PUBLISHED, category="recommendation")
    assert derived.day == day
    assert how in derived.how


def test_a_deadline_inside_a_sentence_is_not_the_target():
    derived = target_derive(
        cell="",
        text="The force should make sure victims are contacted within 24 hours.",
        published_on=PUBLISHED,
        category="area_for_improvement",
    )
    assert (derived.day, derived.problem) == (None, "")


def test_an_area_for_improvement_needs_no_date_but_a_recommendation_does():
    text = "The service should make sure it quality assures its prevention activity."
    assert target_derive(cell="", text=text, published_on=PUBLISHED, category="area_for_improvement").problem == ""
    assert target_derive(cell="", text=text, published_on=PUBLISHED, category="cause_of_concern").problem == ""
    problem = target_derive(cell="", text=text, published_on=PUBLISHED, category="recommendation").problem
    assert problem.startswith("a recommendation needs a target date")
    assert "Within six months" in problem


@pytest.mark.parametrize(
    ("cell", "text", "message"),
    [
        ("31/02/2027", "", '"31/02/2027" is not a real date'),
        ("03/31/2027", "", "Write the day first, for example 31/03/2027"),
        ("someday", "", '"someday" is not a date we can read. Write a date such as 31/03/2027'),
        ("Within six months", "", "counts from the publication date, and this report has none"),
        (
            "",
            "By 1 June 2023, chief fire officers should review. By 1 October 2023, they should report.",
            "more than one deadline",
        ),
    ],
)
def test_what_cannot_be_worked_out_says_what_to_write(cell, text, message):
    published = None if cell == "Within six months" else PUBLISHED
    derived = target_derive(cell=cell, text=text, published_on=published, category="recommendation")
    assert derived.day is None
    assert message in derived.problem


def test_date_parse_refuses_what_is_not_a_date():
    with pytest.raises(DateFormError):
        date_parse("next Tuesday")
