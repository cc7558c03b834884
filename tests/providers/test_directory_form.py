"""The directory's empty filter form is rendered once per process for its councils and languages
(issue 14): it must be the same markup as rendering it afresh, follow new choices, and never stand in for
a form with the family's filters in it."""

from django.forms import Form

from providers.forms import DirectoryFilterForm


def _fresh(form) -> str:
    return Form.render(form)  # Django's own rendering, no remembered copy


def test_the_empty_form_is_the_same_markup_as_a_fresh_rendering():
    form = DirectoryFilterForm(languages=["Welsh"])
    assert str(form) == _fresh(DirectoryFilterForm(languages=["Welsh"]))
    assert str(DirectoryFilterForm(languages=["Welsh"])) == str(form)


def test_a_new_language_shows_at_once():
    assert "Polish" not in str(DirectoryFilterForm(languages=["Welsh"]))
    assert "Polish" in str(DirectoryFilterForm(languages=["Welsh", "Polish"]))


def test_a_form_with_filters_is_rendered_with_them():
    empty = str(DirectoryFilterForm(languages=["Welsh"]))
    filtered = DirectoryFilterForm({"text": "day centre", "language": "Welsh"}, languages=["Welsh"])
    assert str(filtered) != empty and 'value="day centre"' in str(filtered)
    assert str(filtered) == _fresh(filtered)
