"""The flexible agreement in plain English, spoken to the person ("you", "your money")."""

from datetime import date

from organisations.money import format_money

from .models import AgreementStatus, FlexibleAgreement, NoticeFrom


def _day(d: date | None) -> str:
    return f"{d:%-d %B %Y}" if d else ""


def fee_in_words(agreement) -> str:
    if agreement.management_fee_fixed is not None:
        return f"{format_money(agreement.management_fee_fixed)} a year"
    if agreement.management_fee_percent is not None:
        percent = f"{agreement.management_fee_percent.normalize():f}"
        return f"{percent}% of your budget"
    return "not stated"


def agreement_in_plain_english(agreement: FlexibleAgreement) -> list[dict[str, str]]:
    """Question-and-answer pairs a family reads on their agreement page."""
    provider = agreement.provider.name
    weeks = agreement.payment_frequency_weeks
    every = "every week" if weeks == 1 else f"every {weeks} weeks"
    when = "in advance" if agreement.payment_in_advance else "afterwards"
    rows = [
        {
            "question": "Who holds your money",
            "answer": f"{provider} holds your money for you, only for you, in an Individual Service Fund. "
            "You do not have to become an employer.",
        },
        {
            "question": "How much",
            "answer": f"{format_money(agreement.annual_budget)} a year. Your council pays it to {provider} "
            f"{every}, {when}.",
        },
        {
            "question": "What they charge for looking after it",
            "answer": f"{fee_in_words(agreement).capitalize()}. This was agreed before you started, "
            "and it is shown on your statements.",
        },
        {"question": "What your support is for", "answer": agreement.outcomes},
        {
            "question": "If money is not spent",
            "answer": f"If more than {format_money(agreement.unspent_limit)} builds up unspent, your social "
            "worker will talk with you about it. It is not taken back automatically.",
        },
        {
            "question": "Ending it",
            "answer": "You can end this agreement at any time, for any reason. "
            f"Give {agreement.person_notice_days} days' notice here. "
            f"{provider} must give you {agreement.provider_notice_days} days' notice and say why.",
        },
        {"question": "When it starts", "answer": _day(agreement.start_date)},
        {"question": "When it will be reviewed", "answer": _day(agreement.review_date)},
    ]
    if agreement.end_date:
        who = {
            NoticeFrom.PERSON: "You gave notice.",
            NoticeFrom.PROVIDER: f"{provider} gave notice: {agreement.notice_reason}",
        }.get(agreement.notice_from, "")
        rows.append(
            {
                "question": "When it ends",
                "answer": f"The last day is {_day(agreement.end_date)}. {who}".strip(),
            }
        )
    if agreement.status == AgreementStatus.OFFERED:
        rows.append(
            {
                "question": "What happens next",
                "answer": f"{provider} needs to accept the agreement. We will show it here.",
            }
        )
    return rows
