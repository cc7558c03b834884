"""What a family is told at each step of a check: why they are asked and what happens next."""

from organisations.money import format_money

from .models import Check, CheckKind, CheckStatus, Outcome

# Who started a check no person started, in the budget's history ("… by the council's rules").
STARTED_BY_RULES = "the council's rules"

NEVER_AUTOMATIC = (
    "Nothing changes to your money while we talk, and no money is ever taken back automatically."
)

OUTCOME_WORDS = {
    Outcome.NO_CHANGE: "nothing needs to change",
    Outcome.KEPT: "you keep the money for what we agreed",
    Outcome.PLAN_REVIEW: "we will look at your plan and budget with you",
    Outcome.RECOVERED: "some money goes back to the council",
}


def why_asked(check: Check) -> str:
    return check.reason


def what_next(check: Check) -> str:
    if check.status == CheckStatus.TALK_FIRST:
        return (
            "Your social worker will contact you to talk it through: is your plan still right, and is "
            f"the money building up for something you agreed? {NEVER_AUTOMATIC} You can tell us about it "
            "below before we talk."
        )
    if check.status == CheckStatus.TALKED:
        return (
            "We have talked with you. A named person at the council will now decide whether anything "
            "needs to change and write down why. You will see their decision and their reason here."
        )
    if check.status == CheckStatus.ASKED_AGAIN:
        return (
            "You asked us to look again. Someone who did not make the first decision will look at it, "
            "and write their decision and reason here."
        )
    decision = check.decision
    if decision is None:
        return ""
    text = f"{decision.decided_by.display_name} decided that {OUTCOME_WORDS[decision.outcome]}."
    if decision.amount_kept:
        text += f" You keep {format_money(decision.amount_kept)} for {decision.kept_for}."
    if decision.amount_recovered:
        text += f" {format_money(decision.amount_recovered)} goes back to the council."
    if not decision.on_asking_again:
        text += " If you do not agree, you can ask us to look again. Someone else will look at it."
    return text


def large_balance_reason(*, balance, threshold, weeks: int, source: str) -> str:
    return (
        f"{format_money(balance)} has built up unspent (from {source}). That is more than {weeks} weeks "
        f"of your budget ({format_money(threshold)}). Money can build up for good reasons, such as "
        "saving for a break or equipment, so we want to talk with you about it."
    )


def no_spending_reason(*, last_spent_on, days: int) -> str:
    return (
        f"Nothing has been spent from your budget since {last_spent_on:%-d %B %Y}, more than {days} "
        "days. We want to check your support is still working for you."
    )


def concern_reason(*, who: str, concern: str) -> str:
    return f"{who} at the council raised a concern: {concern}"


KIND_HINTS = {
    CheckKind.LARGE_BALANCE: "Money has built up",
    CheckKind.NO_SPENDING: "Nothing spent for a while",
    CheckKind.CONCERN: "A concern",
}
