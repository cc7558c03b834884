"""The surveys the platform ships, and `ensure_shipped_surveys()` that puts them in the database.

The outcome surveys follow the Personal Outcomes Evaluation Tool (POET): how the process went, then
whether each area of life has got better, stayed the same or got worse since the budget. The provider
self-assessment follows the 2016 international survey of personalised support (seed 002): Table 2's
sixteen groups, the ten elements and the funder flexibility question.

Codes are stable and are part of the contract with imports, reports and the monitoring return. To change
a shipped survey, add a new version here; never rename a code.
"""

from django.db import transaction

OUTCOME_BUDGET_HOLDER = "outcome-budget-holder"
OUTCOME_CARER = "outcome-carer"
PROVIDER_SELF_ASSESSMENT = "provider-self-assessment"
OUTCOME_SLUGS = (OUTCOME_BUDGET_HOLDER, OUTCOME_CARER)

YES_PARTLY_NO = [
    ("yes", "Yes"),
    ("partly", "Partly"),
    ("no", "No"),
    ("dont_know", "I do not know"),
]
CHANGE = [
    ("better", "Better"),
    ("same", "About the same"),
    ("worse", "Worse"),
    ("not_applicable", "Does not apply to me"),
]
CHANGE_CODES = ("better", "same", "worse")
ELEMENT_OPTIONS = [
    ("yes_frequently", "Yes, frequently"),
    ("somewhat", "Somewhat, not always"),
    ("no", "No, not really"),
    ("not_applicable", "Not applicable"),
]

# (code, question for the person, question for a carer)
PROCESS_QUESTIONS = [
    (
        "easy_information",
        "Was it easy to get information about your personal budget?",
        "Was it easy to get information about the personal budget?",
    ),
    (
        "knew_budget_amount",
        "Did you know how much money was in your budget?",
        "Did you know how much money was in the budget?",
    ),
    (
        "views_in_plan",
        "Were your views included in your support plan?",
        "Were your views included in the support plan?",
    ),
    (
        "flexible_use",
        "Can you use the money in ways that suit you?",
        "Can the money be used in ways that suit the person you care for?",
    ),
]

# (code, plain words, the question for the person, the question for a carer about the person they care
# for). Each is a whole sentence written for its area (no "has how safe you feel got better"), so none
# comes out ungrammatical; the answers stay better / about the same / worse.
_CHANGE = "got better, stayed the same or got worse"
LIFE_AREA_QUESTIONS = [
    (
        "dignity",
        "being treated with dignity",
        f"Since you got your budget, has the way people treat you (with dignity and respect) {_CHANGE}?",
        f"Since the budget, has the way people treat them (with dignity and respect) {_CHANGE}?",
    ),
    (
        "independence",
        "your independence",
        "Since you got your budget, are you more independent, about as independent or less independent?",
        "Since the budget, are they more independent, about as independent or less independent?",
    ),
    (
        "physical_health",
        "your physical health",
        f"Since you got your budget, has your physical health {_CHANGE}?",
        f"Since the budget, has their physical health {_CHANGE}?",
    ),
    (
        "mental_wellbeing",
        "your mental wellbeing",
        f"Since you got your budget, has your mental wellbeing {_CHANGE}?",
        f"Since the budget, has their mental wellbeing {_CHANGE}?",
    ),
    (
        "control_daily_life",
        "your control over your daily life",
        "Since you got your budget, do you have more control over your daily life, about the same or less?",
        "Since the budget, do they have more control over their daily life, about the same or less?",
    ),
    (
        "feeling_safe",
        "feeling safe",
        "Since you got your budget, do you feel safer, about as safe or less safe?",
        "Since the budget, do they feel safer, about as safe or less safe?",
    ),
    (
        "relationships_family",
        "your relationships with your family",
        f"Since you got your budget, have your relationships with your family {_CHANGE}?",
        f"Since the budget, have their relationships with their family {_CHANGE}?",
    ),
    (
        "relationships_friends",
        "your relationships with your friends",
        f"Since you got your budget, have your relationships with your friends {_CHANGE}?",
        f"Since the budget, have their relationships with their friends {_CHANGE}?",
    ),
    (
        "relationships_paid_supporters",
        "your relationships with the people paid to support you",
        f"Since you got your budget, have your relationships with the people paid to support you {_CHANGE}?",
        f"Since the budget, have their relationships with the people paid to support them {_CHANGE}?",
    ),
    (
        "self_esteem",
        "how you feel about yourself",
        "Since you got your budget, do you feel better about yourself, about the same or worse?",
        "Since the budget, do they feel better about themselves, about the same or worse?",
    ),
    (
        "where_you_live",
        "where you live",
        f"Since you got your budget, has the place where you live {_CHANGE}?",
        f"Since the budget, has the place where they live {_CHANGE}?",
    ),
    (
        "who_you_live_with",
        "who you live with",
        f"Since you got your budget, has life with the people you live with {_CHANGE}?",
        f"Since the budget, has life with the people they live with {_CHANGE}?",
    ),
    (
        "paid_work",
        "getting or keeping paid work",
        f"Since you got your budget, have your chances of getting or keeping paid work {_CHANGE}?",
        f"Since the budget, have their chances of getting or keeping paid work {_CHANGE}?",
    ),
    (
        "volunteering",
        "volunteering or helping in your community",
        f"Since you got your budget, have your chances to volunteer or help in your community {_CHANGE}?",
        f"Since the budget, have their chances to volunteer or help in their community {_CHANGE}?",
    ),
]
LIFE_AREAS = [(code, words) for code, words, _, _ in LIFE_AREA_QUESTIONS]
LIFE_AREA_CODES = tuple(code for code, _ in LIFE_AREAS)

CARER_AREAS = [
    (
        "staying_well",
        "Since the budget, has your own health and wellbeing got better, stayed the same or got worse?",
    ),
    ("able_to_keep_caring", "Has your ability to keep on caring got better, stayed the same or got worse?"),
    ("quality_of_life", "Has your quality of life as a carer got better, stayed the same or got worse?"),
]
CARER_AREA_CODES = tuple(code for code, _ in CARER_AREAS)
# Every "better / same / worse" question: the life areas and the carer's own areas.
AREA_CODES = LIFE_AREA_CODES + CARER_AREA_CODES

CLIENT_GROUPS = [
    ("adults_learning_disability", "Adults with learning disabilities or intellectual disabilities"),
    ("children_learning_disability", "Children with learning disabilities or intellectual disabilities"),
    ("adults_autism", "Adults on the autistic spectrum"),
    ("children_autism", "Children on the autistic spectrum"),
    ("older_people", "Older people who need assistance"),
    ("dementia", "People with dementia"),
    ("adults_physical_disability", "Adults with physical disabilities"),
    ("children_physical_disability", "Children with physical disabilities"),
    ("adults_mental_health", "Adults with mental health needs"),
    ("children_mental_health", "Children with mental health needs"),
    ("substance_misuse", "People with substance abuse problems"),
    ("looked_after_children", "Children in care or 'looked after children'"),
    ("adults_complex_health", "Adults with complex health care needs"),
    ("children_complex_health", "Children with complex health care needs"),
    ("end_of_life", "People with end of life conditions"),
    ("other", "Other"),
]

# The ten elements of personalised support, then the funder question (seed 002, section 2).
ELEMENTS = [
    ("individual_design", "Is support designed around each person, not fitted into existing services?"),
    ("creative_planning", "Is planning creative and flexible, not driven by standard planning tools?"),
    ("people_families_decide", "Do people and families make the important decisions, including about money?"),
    ("quality_checking_by_families", "Do people and families check the quality of your support?"),
    ("individual_policies", "Are policies and procedures worked out for each person, not standard?"),
    ("staff_matching", "Do you match staff to the person they support?"),
    (
        "all_housing_options",
        "Do you help people consider all housing options, and live with whom they choose?",
    ),
    ("protected_budget_isf", "Is each person's budget protected in an Individual Service Fund?"),
    ("families_recruit_staff", "Do people and families recruit (and, if needed, let go) their own staff?"),
    ("direct_management", "Can people take on the direct management of their support staff?"),
]
ELEMENT_CODES = tuple(code for code, _ in ELEMENTS)
FUNDER_FLEXIBILITY = (
    "funder_flexibility",
    "Do your commissioning arrangements give you the flexibility you need?",
)
ISF_YEARS = [
    ("not_offered", "We do not offer Individual Service Funds"),
    ("less_than_1", "Less than a year"),
    ("1_to_3", "1 to 3 years"),
    ("3_to_5", "3 to 5 years"),
    ("5_to_10", "5 to 10 years"),
    ("more_than_10", "More than 10 years"),
]


def _outcome_questions(*, carer: bool) -> list[dict]:
    questions = []
    for code, person_text, carer_text in PROCESS_QUESTIONS:
        questions.append(
            {
                "code": code,
                "text": carer_text if carer else person_text,
                "section": "process",
                "options": YES_PARTLY_NO,
            }
        )
    for code, _, person_text, carer_text in LIFE_AREA_QUESTIONS:
        text = carer_text if carer else person_text
        hint = "Think about the person you care for." if carer else ""
        questions.append(
            {"code": code, "text": text, "hint": hint, "section": "life_area", "options": CHANGE}
        )
    if carer:
        for code, text in CARER_AREAS:
            questions.append({"code": code, "text": text, "section": "carer", "options": CHANGE})
    return questions


def _provider_questions() -> list[dict]:
    questions = [
        {
            "code": "client_groups",
            "text": "Who do you offer personalised support to?",
            "hint": "Select all that apply.",
            "kind": "multiple",
            "section": "provider",
            "options": CLIENT_GROUPS,
        }
    ]
    for code, text in [*ELEMENTS, FUNDER_FLEXIBILITY]:
        questions.append({"code": code, "text": text, "section": "provider", "options": ELEMENT_OPTIONS})
    questions.append(
        {
            "code": "isf_years",
            "text": "How long have you offered Individual Service Funds?",
            "section": "provider",
            "options": ISF_YEARS,
        }
    )
    return questions


SHIPPED = [
    {
        "slug": OUTCOME_BUDGET_HOLDER,
        "title": "How is your budget working for you?",
        "audience": "budget_holder",
        "description": "For people who hold a personal budget. It takes about 10 minutes.",
        "versions": {1: lambda: _outcome_questions(carer=False)},
    },
    {
        "slug": OUTCOME_CARER,
        "title": "How is the budget working for you as a carer?",
        "audience": "carer",
        "description": "For family members and friends who care for someone with a personal budget.",
        "versions": {1: lambda: _outcome_questions(carer=True)},
    },
    {
        "slug": PROVIDER_SELF_ASSESSMENT,
        "title": "Personalised support self-assessment",
        "audience": "provider",
        "description": "For support providers. Your latest answers are shown in the provider directory.",
        "versions": {1: _provider_questions},
    },
]


def ensure_shipped_surveys(apps=None) -> None:
    """Create the shipped surveys, versions, questions and options that are missing. Idempotent: it
    never changes or removes what is there. Called by the data migration (with the historical `apps`)
    and by code and tests, because TRUNCATE in browser tests removes migration data."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    Survey = apps.get_model("surveys", "Survey")
    SurveyVersion = apps.get_model("surveys", "SurveyVersion")
    Question = apps.get_model("surveys", "Question")
    Option = apps.get_model("surveys", "Option")
    # Fast path (pages call this): everything shipped is there when the counts match.
    slugs = [spec["slug"] for spec in SHIPPED]
    built = [(spec, number, build()) for spec in SHIPPED for number, build in spec["versions"].items()]
    expected_questions = sum(len(questions) for _, _, questions in built)
    expected_options = sum(len(q["options"]) for _, _, questions in built for q in questions)
    shipped = Question.objects.filter(version__survey__slug__in=slugs, council__isnull=True)
    if (
        shipped.count() == expected_questions
        and Option.objects.filter(question__in=shipped).count() == expected_options
    ):
        return
    with transaction.atomic():
        for spec in SHIPPED:
            survey, _ = Survey.objects.get_or_create(
                slug=spec["slug"],
                defaults={
                    "title": spec["title"],
                    "audience": spec["audience"],
                    "description": spec["description"],
                },
            )
            for number, build in spec["versions"].items():
                version, _ = SurveyVersion.objects.get_or_create(survey=survey, number=number)
                for order, q in enumerate(build(), start=1):
                    question, _ = Question.objects.get_or_create(
                        version=version,
                        code=q["code"],
                        defaults={
                            "text": q["text"],
                            "hint": q.get("hint", ""),
                            "kind": q.get("kind", "single"),
                            "section": q["section"],
                            "order": order * 10,
                        },
                    )
                    for option_order, (code, label) in enumerate(q["options"], start=1):
                        Option.objects.get_or_create(
                            question=question, code=code, defaults={"label": label, "order": option_order}
                        )


def shipped_surveys_present() -> bool:
    from .models import Survey

    return Survey.objects.filter(slug__in=[s["slug"] for s in SHIPPED]).count() == len(SHIPPED)
