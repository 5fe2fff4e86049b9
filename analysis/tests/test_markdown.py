import math

from moelab_analysis.markdown import fixed, table


def test_table_has_header_rule_and_one_line_per_row():
    text = table(["run", "tok/s"], [[0, "1,234"], [1, None]])
    assert text.splitlines() == ["| run | tok/s |", "|---|---|", "| 0 | 1,234 |", "| 1 | None |"]


def test_fixed_separates_thousands_and_marks_missing_values():
    assert fixed(1234567.891) == "1,234,568"
    assert fixed(0.125, 2) == "0.12"  # round half to even, as Python formats
    assert fixed(None) == "n/a"
    assert fixed(math.nan, 1) == "n/a"
    assert fixed(math.inf) == "n/a"
    assert fixed(7) == "7"
