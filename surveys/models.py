"""Surveys as data: a survey has versions, a version has questions, a question has options.

Question and option codes are stable: reports, imports and the monitoring return key on them, never on
database ids or wording, so a reworded question or a new version still adds up with the old answers.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from budgets.models import Person
from organisations.models import Council, Provider


class Audience(models.TextChoices):
    BUDGET_HOLDER = "budget_holder", "People who hold a personal budget"
    CARER = "carer", "Family carers"
    PROVIDER = "provider", "Support providers"


class Survey(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["audience", "slug"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_outcome(self) -> bool:
        return self.audience in (Audience.BUDGET_HOLDER, Audience.CARER)

    def current_version(self) -> "SurveyVersion | None":
        return self.versions.order_by("-number").first()


class SurveyVersion(models.Model):
    """A fixed set of questions. Answers point at the version they were given to."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")]

    def __str__(self) -> str:
        return f"{self.survey} (version {self.number})"


class QuestionKind(models.TextChoices):
    SINGLE = "single", "One answer"
    MULTIPLE = "multiple", "Several answers allowed"


class Section(models.TextChoices):
    ABOUT = "about", "About you"
    PROCESS = "process", "How the process went"
    LIFE_AREA = "life_area", "Has life changed"
    CARER = "carer", "You as a carer"
    PROVIDER = "provider", "About your organisation"
    COUNCIL = "council", "Your council's own questions"


class Question(models.Model):
    version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=64)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=8, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    section = models.CharField(max_length=16, choices=Section.choices)
    order = models.PositiveIntegerField()
    # A council's own question: asked only of that council's people, reported only to that council.
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.CASCADE, related_name="survey_questions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="question_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.SlugField(max_length=64)
    label = models.CharField(max_length=200)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "Started, not sent yet"
    SUBMITTED = "submitted", "Sent"


class Channel(models.TextChoices):
    ONLINE = "online", "Answered online"
    PAPER = "paper", "Paper form entered by staff"
    IMPORT = "import", "Imported from a file"


class Response(models.Model):
    """One respondent's answers to one survey version.

    Who answered is one of: a person (outcome surveys; `council` copied from them), a provider (the
    self-assessment), or only a `respondent_ref` from an imported file (anonymous published data).
    """

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    # The carers' survey: the carer (a person in their own right, issue 19) who answered about `person`.
    carer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="carer_survey_responses"
    )
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="survey_responses"
    )
    respondent_ref = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    # The management types of the person's active arrangements when the response was sent (sorted
    # codes). A snapshot, so a later change of how the budget is held does not rewrite old results.
    management_types = ArrayField(models.CharField(max_length=32), default=list, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # Save and come back: one unfinished response per person (or provider) per survey.
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(status="in_progress", person__isnull=False),
                name="one_open_response_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "provider"],
                condition=Q(status="in_progress", provider__isnull=False),
                name="one_open_response_per_provider",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="submitted_response_has_time",
            ),
        ]
        # Serves the reports and the monitoring return: a council's sent responses in a period.
        indexes = [
            models.Index(fields=["survey", "status", "council", "submitted_at"], name="response_report")
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.respondent_label}"

    @property
    def respondent_label(self) -> str:
        if self.person_id:
            return str(self.person)
        if self.provider_id:
            return str(self.provider)
        return self.respondent_ref or f"response {self.pk}"

    @property
    def management_class(self) -> str:
        """The delivery class of the snapshot: one type's code, `mixed` for several, `none`."""
        types = sorted(set(self.management_types))
        if not types:
            return "none"
        return types[0] if len(types) == 1 else "mixed"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "option"], name="answer_option_once")]
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option")]

    def __str__(self) -> str:
        return f"{self.question.code}={self.option.code}"
