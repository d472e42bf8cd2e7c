from datetime import date

from bot.sales.dates_validation import (
    due_date_problem,
    impossible_date_problem,
    next_date_problem,
    visit_date_problem,
)

TODAY = date(2026, 11, 24)


def test_impossible_date_message_names_it() -> None:
    problem = impossible_date_problem("2月30日再去")
    assert problem is not None and "2月30日" in problem.message() and "不存在" in problem.message()
    assert "12个月" in impossible_date_problem("13月5号").message()  # type: ignore[union-attr]
    assert impossible_date_problem("下周二再去") is None


def test_next_date_limits() -> None:
    assert next_date_problem(date(2026, 11, 23), TODAY).key == "date_next_past"  # type: ignore[union-attr]
    assert "9999年" in next_date_problem(date(9999, 12, 31), TODAY).message()  # type: ignore[union-attr]
    assert next_date_problem(date(2027, 11, 24), TODAY) is None
    assert next_date_problem(TODAY, TODAY) is None


def test_visit_date_limits() -> None:
    assert visit_date_problem(date(2026, 11, 25), TODAY).key == "date_visit_future"  # type: ignore[union-attr]
    assert "1900年" in visit_date_problem(date(1900, 1, 1), TODAY).message()  # type: ignore[union-attr]
    assert visit_date_problem(date(2026, 8, 26), TODAY) is None  # 90 days back
    assert visit_date_problem(date(2026, 8, 25), TODAY) is not None


def test_due_date_limits() -> None:
    assert due_date_problem(date(2026, 11, 1), TODAY) is not None
    assert due_date_problem(TODAY, TODAY) is None
