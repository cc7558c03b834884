"""The vocabulary a provider describes itself with: the sixteen groups of people it supports (Table 2 of
the research report) and the ten elements of personalised support (plus the funder-flexibility question),
each answer shown to families as a plain statement.

These codes are shared with the surveys app (provider self-assessment): keep them stable.
"""

from django.db import models


class ClientGroup(models.TextChoices):
    ADULTS_LEARNING_DISABILITY = "adults_learning_disability", "Adults with learning disabilities"
    CHILDREN_LEARNING_DISABILITY = "children_learning_disability", "Children with learning disabilities"
    ADULTS_AUTISM = "adults_autism", "Autistic adults"
    CHILDREN_AUTISM = "children_autism", "Autistic children"
    OLDER_PEOPLE = "older_people", "Older people"
    DEMENTIA = "dementia", "People living with dementia"
    ADULTS_PHYSICAL_DISABILITY = "adults_physical_disability", "Adults with physical disabilities"
    CHILDREN_PHYSICAL_DISABILITY = "children_physical_disability", "Children with physical disabilities"
    ADULTS_MENTAL_HEALTH = "adults_mental_health", "Adults with mental health problems"
    CHILDREN_MENTAL_HEALTH = "children_mental_health", "Children with mental health problems"
    SUBSTANCE_MISUSE = "substance_misuse", "People who use drugs or alcohol"
    LOOKED_AFTER_CHILDREN = "looked_after_children", "Looked-after children"
    ADULTS_COMPLEX_HEALTH = "adults_complex_health", "Adults with complex health care needs"
    CHILDREN_COMPLEX_HEALTH = "children_complex_health", "Children with complex health care needs"
    END_OF_LIFE = "end_of_life", "People with end of life conditions"
    OTHER = "other", "Other people"


CLIENT_GROUP_CODES = frozenset(ClientGroup.values)


class Answer(models.TextChoices):
    YES_FREQUENTLY = "yes_frequently", "Yes, frequently"
    SOMEWHAT = "somewhat", "Somewhat, not always"
    NO = "no", "No, not really"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


ANSWER_CODES = frozenset(Answer.values)

# code -> (short title, {answer: statement to a family}). Statements speak as the provider ("we"),
# because a family reads them on the provider's page.
ELEMENTS: dict[str, tuple[str, dict[str, str]]] = {
    "individual_design": (
        "Support designed around you",
        {
            "yes_frequently": "We design support around each person. We do not fit people into set services.",
            "somewhat": "We usually design support around each person, but not always.",
            "no": "We mostly offer set services that people fit into.",
        },
    ),
    "creative_planning": (
        "Planning with you, not with a form",
        {
            "yes_frequently": "We plan with you creatively. You are at the heart of every decision.",
            "somewhat": "We often plan creatively with you, but sometimes use standard planning forms.",
            "no": "We mostly plan using standard forms and tools.",
        },
    ),
    "people_families_decide": (
        "You and your family make the decisions",
        {
            "yes_frequently": "You and your family make the big decisions, including about your money.",
            "somewhat": "You and your family make many decisions, but not all of them.",
            "no": "We make most decisions about your support.",
        },
    ),
    "quality_checking_by_families": (
        "You check the quality of our support",
        {
            "yes_frequently": "People and families check the quality of our support and hold us to account.",
            "somewhat": "People and families sometimes check the quality of our support.",
            "no": "People and families do not usually check the quality of our support.",
        },
    ),
    "individual_policies": (
        "Keeping safe in your own way",
        {
            "yes_frequently": "We work out with you how to stay safe, not just follow a standard policy.",
            "somewhat": "We sometimes adapt our safety rules to you, but often use standard policies.",
            "no": "We mostly follow our standard policies to keep people safe.",
        },
    ),
    "staff_matching": (
        "Staff who suit you",
        {
            "yes_frequently": "We recruit and match staff so you get support from the right people.",
            "somewhat": "We try to match staff to you, but cannot always.",
            "no": "We do not usually match staff to the people they support.",
        },
    ),
    "all_housing_options": (
        "Living where and with whom you choose",
        {
            "yes_frequently": "We help you find your own home and live with people you choose.",
            "somewhat": "We sometimes help people find their own home.",
            "no": "We mostly support people in group homes or care homes.",
        },
    ),
    "protected_budget_isf": (
        "Your money kept for you (an Individual Service Fund)",
        {
            "yes_frequently": "We keep your money separate, only for you, and show you how it is spent.",
            "somewhat": "We sometimes keep people's money separate for them.",
            "no": "We do not keep a separate budget for each person.",
        },
    ),
    "families_recruit_staff": (
        "You choose your staff",
        {
            "yes_frequently": "You and your family help choose your staff, and can ask for a change.",
            "somewhat": "You and your family sometimes help choose your staff.",
            "no": "We choose the staff.",
        },
    ),
    "direct_management": (
        "Managing your own staff if you want to",
        {
            "yes_frequently": "We can help you manage your own staff, or share managing them with us.",
            "somewhat": "We can sometimes help you manage your own staff.",
            "no": "We manage all the staff ourselves.",
        },
    ),
    "funder_flexibility": (
        "Flexibility from the council or NHS",
        {
            "yes_frequently": "The council or NHS lets us change your support flexibly as your life changes.",
            "somewhat": "The council or NHS sometimes lets us change your support flexibly.",
            "no": "The council or NHS does not usually let us change support without asking first.",
        },
    ),
}
ELEMENT_CODES = tuple(ELEMENTS)  # the ten elements, then funder_flexibility
NOT_APPLICABLE_STATEMENT = "This does not apply to the support we offer."


def statement_for(code: str, answer: str) -> str:
    """The plain sentence a family reads for one answer."""
    if answer == Answer.NOT_APPLICABLE:
        return NOT_APPLICABLE_STATEMENT
    return ELEMENTS[code][1].get(answer, "")
