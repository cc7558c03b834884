"""Forms built from survey data: one question, or a whole survey on one page."""

from django import forms

from .definitions import OUTCOME_SLUGS
from .models import Question, QuestionKind, Survey


def answer_field(question: Question, *, required: bool = False) -> forms.Field:
    choices = [(o.code, o.label) for o in question.options.all()]
    if question.kind == QuestionKind.MULTIPLE:
        return forms.MultipleChoiceField(
            label=question.text,
            help_text=question.hint,
            choices=choices,
            required=required,
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.ChoiceField(
        label=question.text,
        help_text=question.hint,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the answers."},
    )


def _as_codes(value) -> list[str]:
    if not value:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class QuestionForm(forms.Form):
    """One question on its own page. Answers are optional: people may skip a question."""

    def __init__(self, *args, question: Question, current: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        field = answer_field(question)
        field.initial = (
            current if question.kind == QuestionKind.MULTIPLE else (current[0] if current else None)
        )
        self.fields["answer"] = field

    def codes(self) -> list[str]:
        return _as_codes(self.cleaned_data.get("answer"))


class WholeSurveyForm(forms.Form):
    """Every question on one page: for staff entering a paper form, providers, and anyone who prefers it."""

    def __init__(self, *args, questions: list[Question], current: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            field = answer_field(question)
            given = current.get(question.code, [])
            field.initial = given if question.kind == QuestionKind.MULTIPLE else (given[0] if given else None)
            self.fields[question.code] = field

    def answers(self) -> dict[str, list[str]]:
        return {q.code: _as_codes(self.cleaned_data.get(q.code)) for q in self.questions}


class PaperResponseForm(forms.Form):
    person_ref = forms.CharField(
        label="The person's reference",
        help_text="The council reference on the paper form, for example DOR-0001.",
        max_length=64,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    survey = forms.ModelChoiceField(
        label="Which form did they fill in?",
        queryset=Survey.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose which form they filled in."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(slug__in=OUTCOME_SLUGS).order_by("audience")


class CouncilQuestionForm(forms.Form):
    survey = forms.ModelChoiceField(
        label="Which survey should ask it?",
        queryset=Survey.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the survey."},
    )
    text = forms.CharField(
        label="Question",
        help_text="Plain English, one thing at a time. For example: Is it easy to find transport?",
        max_length=300,
        error_messages={"required": "Enter the question."},
    )
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="How many answers can people choose?",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        initial=QuestionKind.SINGLE,
    )
    options = forms.CharField(
        label="Answers people can choose",
        help_text="One answer on each line, at least two.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the answers people can choose, one on each line."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(slug__in=OUTCOME_SLUGS).order_by("audience")

    def option_labels(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]
