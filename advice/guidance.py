"""Sound advice where a choice is made: which ways of holding a budget fit a person's own answers, what
each means for them in money and duties, and who can help; and the questions to ask a provider, drawn
from the ten elements of personalised support."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from budgets.wording import FAMILY_WORDING
from providers.elements import ELEMENTS
from providers.models import OrganisationKind, ProviderProfile

YES, NO, NOT_SURE = "yes", "no", "not_sure"
FITS, MAYBE, LESS_LIKELY = "fits", "maybe", "less_likely"
FIT_WORDS = {FITS: "This may suit you", MAYBE: "This could suit you", LESS_LIKELY: "This may suit you less"}
ORDER = ("isf", "direct_payment_managed", "direct_payment", "commissioner_controlled")


@dataclass(frozen=True)
class Answers:
    employ: str = ""  # do you want to employ your own staff?
    paperwork: str = ""  # does someone help with paperwork and money?
    trusted_provider: str = ""  # do you have a provider you trust?
    amount: Decimal | None = None  # the budget a year, if known

    @property
    def given(self) -> bool:
        return bool(self.employ or self.paperwork or self.trusted_provider)


def _fit(code: str, a: Answers) -> tuple[str, str]:
    """How well one way fits these answers, and why, in a sentence that speaks to the person."""
    if code == "direct_payment":
        if a.employ == YES and a.paperwork == YES:
            return FITS, "You want to employ your own staff and have help with the paperwork."
        if a.employ == YES:
            return MAYBE, "You want to employ your own staff, but you would do the paperwork yourself."
        return LESS_LIKELY, "You would be the employer of any staff, with the duties that brings."
    if code == "direct_payment_managed":
        if a.employ == YES and a.paperwork != YES:
            return FITS, "You can employ your own staff, and an organisation does the paperwork for you."
        if a.employ in (YES, NOT_SURE):
            return MAYBE, "You keep the choice of staff, with an organisation doing the paperwork."
        return LESS_LIKELY, "It suits people who want to choose and employ their own staff."
    if code == "isf":
        if a.trusted_provider == YES and a.employ != YES:
            return (
                FITS,
                "You have a provider you trust, and they can hold the money so you do not employ anyone.",
            )
        if a.employ in (NO, NOT_SURE):
            return FITS, "You do not have to become an employer, and you still decide how the money is used."
        return MAYBE, "You do not have to employ anyone, and you can still take on parts of it yourself."
    # commissioner_controlled
    if a.employ == NO and a.paperwork == NO and a.trusted_provider == NO:
        return MAYBE, "The council arranges everything, but you have less say over who supports you."
    return LESS_LIKELY, "The council arranges your support, so you have less choice of who provides it."


def _fees(kind_filter) -> list[Decimal]:
    return sorted(
        p.management_fee_percent
        for p in ProviderProfile.objects.filter(kind_filter, management_fee_percent__isnull=False).only(
            "management_fee_percent"
        )
    )


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fee_sentence(code: str, fees: list[Decimal], amount: Decimal | None) -> str:
    what = "holding the money" if code == "isf" else "looking after a direct payment"
    if not fees:
        return f"Ask each organisation what they charge for {what}; it is agreed at the start."
    low, high, middle = fees[0], fees[-1], Decimal(str(median(fees)))
    sentence = (
        f"Organisations in the directory charge between {low.normalize():f}% and {high.normalize():f}% "
        f"of the budget for {what} (the middle is {middle.normalize():f}%)."
    )
    if amount:
        fee = _money(amount * middle / 100)
        sentence += (
            f" On your budget of £{amount:,.2f} a year that is about £{fee:,.2f} a year, leaving "
            f"£{_money(amount - fee):,.2f} for your support."
        )
    return sentence


def _money_words(code: str, a: Answers) -> str:
    from django.db.models import Q

    if code == "isf":
        return _fee_sentence(code, _fees(Q(offers_isf=True)), a.amount)
    if code == "direct_payment_managed":
        kinds = [OrganisationKind.COMMUNITY_HUB, OrganisationKind.MANAGED_ACCOUNT_SERVICE]
        return _fee_sentence(
            code, _fees(Q(manages_direct_payments=True) | Q(organisation_kind__in=kinds)), a.amount
        )
    if code == "direct_payment":
        whole = f"All £{a.amount:,.2f} a year is paid to you. " if a.amount else "All of it is paid to you. "
        return whole + (
            "If you employ staff, their wages, holiday pay, employer's National Insurance, pension and "
            "insurance come out of it, and you keep records for the council."
        )
    return "You do not handle any money. The council pays the organisations it uses."


WHO_HELPS = {
    "direct_payment": "A payroll service or community hub can help with wages and records; an "
    "independent broker can help you set it up.",
    "direct_payment_managed": "Community hubs and managed account services in the directory.",
    "isf": "Providers in the directory that can hold your budget for you, and are taking new people.",
    "commissioner_controlled": "Your social worker arranges it with you.",
}
WHO_HELPS_LINK = {
    "direct_payment": ("brokerage:directory", "Find an independent broker"),
    "direct_payment_managed": ("providers:directory", "Find an organisation to look after it"),
    "isf": ("providers:directory", "Find a provider who can hold your budget"),
    "commissioner_controlled": ("brokerage:directory", "Find an independent broker"),
}


def ways_to_hold(a: Answers) -> list[dict]:
    """Each way, with how well it fits the answers, what it means in money and duties, and who helps;
    the best fits first."""
    rank = {FITS: 0, MAYBE: 1, LESS_LIKELY: 2}
    ways = []
    for code in ORDER:
        fit, why = _fit(code, a) if a.given else ("", "")
        words = FAMILY_WORDING[code]
        ways.append(
            {
                "code": code,
                "title": words["title"],
                "fit": fit,
                "fit_words": FIT_WORDS.get(fit, ""),
                "why": why,
                "money": _money_words(code, a),
                "duties": f"{words['staff']} {words['you_do']}",
                "change": words["change"],
                "who_helps": WHO_HELPS[code],
                "who_helps_link": WHO_HELPS_LINK[code],
                "easy_title": EASY_TITLES[code],
                "easy": EASY_WAYS[code],
                "easy_fit": EASY_FIT_WORDS.get(fit, ""),
            }
        )
    if a.given:
        ways.sort(key=lambda w: rank[w["fit"]])
    return ways


# ---- questions to ask a provider (the ten elements of personalised support) -----------------------

QUESTIONS = {
    "individual_design": "Will you design my support around me, or fit me into a service you already run?",
    "creative_planning": "How will we plan together? Will you use my ideas, not only a standard form?",
    "people_families_decide": "Who decides how my budget is spent: me and my family, or you?",
    "quality_checking_by_families": "How can my family and I check the quality of your support, and "
    "what changed the last time families told you something was wrong?",
    "individual_policies": "Will you agree how to keep me safe in a way that fits me, not only your "
    "standard policies?",
    "staff_matching": "Can I meet staff before they support me, and say no to someone who is not right?",
    "all_housing_options": "Will you help me live where and with whom I choose, not only in your own places?",
    "protected_budget_isf": "Will my money be kept separate, for me alone? What is your management fee, "
    "and how often will I get a statement?",
    "families_recruit_staff": "Can I, or my family, help choose and interview my staff?",
    "direct_management": "If I want to, can I take on managing my own staff, or share it with you?",
}
EXTRA_QUESTIONS = [
    "How long have you held Individual Service Funds for people?",
    "Are you taking on new people now? How soon could support start?",
    "What do families who hold their money with you say about you?",
    "If I want to end our agreement, how much notice do I give, and what happens to the money left over?",
]


def checklist() -> list[dict]:
    return [
        {"code": code, "title": title, "question": QUESTIONS[code]}
        for code, (title, _) in ELEMENTS.items()
        if code in QUESTIONS
    ]


# Easy Read: each way in short sentences, one idea each, with the picture described in words.
EASY_WAYS = {
    "isf": [
        ("A building with a heart on it", "A support organisation you choose holds your money."),
        ("A person with a support worker", "They employ the staff. You do not have to."),
        ("A price tag", "They take a small fee. You know it from the start."),
        ("A sheet of paper with numbers", "They show you where the money went."),
    ],
    "direct_payment_managed": [
        ("A purse held by a helper", "An organisation looks after your money for you."),
        ("A hand choosing a person", "You choose your own staff."),
        ("A pile of forms with a tick", "The organisation does the forms and pays the staff."),
        ("A price tag", "They take a small fee."),
    ],
    "direct_payment": [
        ("A purse with coins", "The money comes to you."),
        ("A person shaking hands with a worker", "You can employ your own staff. You are their boss."),
        ("A pile of forms", "You keep the records and receipts."),
    ],
    "commissioner_controlled": [
        ("A council building", "The council keeps the money."),
        ("A phone", "The council arranges your support."),
        ("A hand with fewer cards", "You have less choice of who supports you."),
    ],
}
EASY_FIT_WORDS = {
    FITS: "This may suit you.",
    MAYBE: "This could suit you.",
    LESS_LIKELY: "This may not suit you.",
}
EASY_TITLES = {
    "isf": "An organisation holds your money",
    "direct_payment_managed": "An organisation looks after your direct payment",
    "direct_payment": "You hold the money yourself",
    "commissioner_controlled": "The council arranges it",
}
