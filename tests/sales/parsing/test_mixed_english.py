"""English in a mixed report: outcome words as whole words in any case, weekdays and relative days."""

from __future__ import annotations

from datetime import date

from bot.sales.parsing.dates import find_dates
from bot.sales.parsing.visit_text import classify_outcome, parse_visit

TUESDAY = date(2026, 12, 1)


def test_next_weekday_is_next_weeks_as_in_chinese() -> None:
    (found,) = find_dates("call her next Thursday", TUESDAY)
    assert found.date == date(2026, 12, 10) and found.text == "next Thursday"
    (bare,) = find_dates("demo on Fri.", TUESDAY)
    assert bare.date == date(2026, 12, 4)
    assert find_dates("see you tomorrow", TUESDAY)[0].date == date(2026, 12, 2)
    assert find_dates("next week then", TUESDAY)[0].coarse


def test_a_short_weekday_alone_is_an_ordinary_word() -> None:
    assert find_dates("we sat in the lobby, sun was out", TUESDAY) == []
    assert find_dates("next sat", TUESDAY)[0].date == date(2026, 12, 12)


def test_english_outcome_words_match_whole_words_in_any_case() -> None:
    assert classify_outcome("Manager is Keen, wants a pilot") == "interested"
    assert classify_outcome("she is not keen at all") == "not_interested"
    assert classify_outcome("the buyer stood me up") == "no_show"
    assert classify_outcome("the keenest price") == "need_followup"  # "keen" is not inside "keenest"


def test_a_mixed_report_gets_its_outcome_and_english_date() -> None:
    visit = parse_visit("Visited 青禾包装, the owner was impressed, revisit next Wednesday", TUESDAY)
    assert visit.outcome == "interested"
    assert visit.next_date == date(2026, 12, 9)
