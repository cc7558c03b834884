"""The budget history's sentences: money as money, whatever recorded it."""

from budgets.history import change_sentences


def test_money_reads_as_pounds_and_pence_in_the_history():
    assert change_sentences(
        {
            "annual_total": ["1000.00", "1100.5"],
            "money_left": ["", "1100.00"],
            "amount_kept": ["", "1500.00 for a week away in June"],  # how early entries were recorded
            "amount_recovered": ["", "-12"],
            "budget_ref": ["", "1100"],  # not money: left as it is
        }
    ) == [
        "Amount a year changed from £1,000.00 to £1,100.50.",
        "Money left: £1,100.00.",
        "Money kept: £1,500.00 for a week away in June.",
        "Money returned to the council: −£12.00.",
        "Reference: 1100.",
    ]


def test_review_codes_read_as_words_in_the_history():
    assert change_sentences(
        {
            "recommendation": ["", "reduce"],
            "outcomes": ["", "Learn to cook two meals: met; Find volunteering at the café: partly_met"],
        }
    ) == [
        "Recommendation: reduce the budget.",
        "Outcomes: Learn to cook two meals: met; Find volunteering at the café: partly met.",
    ]
