"""The information pages, in plain English, each with an Easy Read version.

Easy Read: short sentences, one idea each, and a picture described in words beside each one (so the page
works for a screen reader and without images). Councils add their own local contacts to each page
(advice.models.LocalContact).
"""

# slug -> {"title", "summary", "sections": [(heading, [paragraph, ...])], "easy": [(picture, sentence)]}
TOPICS: dict[str, dict] = {
    "personal-budget": {
        "title": "What a personal budget is",
        "summary": "The money the council (or the NHS) has agreed to spend on your support, and how you "
        "decide how it is used.",
        "sections": [
            (
                "Your money, your plan",
                [
                    "A personal budget is the amount of money agreed to meet your support needs. It is "
                    "worked out from your assessment. You are told an early amount, called an indicative "
                    "budget, so you can plan with it.",
                    "You write a support plan that says what matters to you and how the money will be "
                    "used. The plan is about the life you want, not a timetable of hours.",
                ],
            ),
            (
                "How the money can be held",
                [
                    "You can hold the money yourself as a direct payment, ask an organisation to look "
                    "after a direct payment for you, choose a support organisation to hold it for you (an "
                    "Individual Service Fund), or ask the council to arrange your support. You can mix "
                    "these.",
                    "Choosing an organisation to hold the money means you do not have to become an employer.",
                ],
            ),
            (
                "What happens next",
                [
                    "Your social worker agrees the plan with you, then proposes the final budget. A "
                    "manager at the council approves it. Your budget is reviewed at least once a year.",
                ],
            ),
        ],
        "easy": [
            ("A purse with coins", "A personal budget is money for your support."),
            ("A person talking with a social worker", "The council works out how much you get."),
            ("A notebook with a pencil", "You make a plan. The plan says what matters to you."),
            ("A hand choosing from three cards", "You choose who looks after the money."),
            ("A calendar", "Your budget is checked at least once a year."),
        ],
    },
    "your-rights": {
        "title": "Your rights",
        "summary": "What you can expect, and what you can do if you want something to change, including "
        "ending an agreement with a provider.",
        "sections": [
            (
                "You can expect",
                [
                    "To be told your indicative budget early, and how it was worked out, in words you "
                    "understand.",
                    "To choose how your budget is held, and to choose the organisation that supports you.",
                    "To see where the money in your Individual Service Fund went, in regular statements.",
                    "To have someone help you plan and choose: a family member, an advocate or an "
                    "independent support broker. You decide what they see, and for how long.",
                ],
            ),
            (
                "Ending an agreement",
                [
                    "If a provider holds your money in an Individual Service Fund, you can end the "
                    "agreement. You give notice (usually 28 days). The money left over moves with you to "
                    "the next organisation you choose.",
                    "You can do this from your own pages, or ask your social worker or broker to help.",
                ],
            ),
            (
                "If you are not happy",
                [
                    "You can complain to the provider, to the council, and then to the Local Government "
                    "and Social Care Ombudsman. Nobody may treat you worse because you complained.",
                ],
            ),
        ],
        "easy": [
            ("A speech bubble with a tick", "You can say what you want."),
            ("A hand choosing from three cards", "You choose who supports you."),
            ("A sheet of paper with numbers", "You can see where your money went."),
            ("A door with an arrow going out", "You can end an agreement with a provider."),
            ("A purse moving from one house to another", "The money left over goes with you."),
            ("An envelope", "You can complain. Nobody can treat you worse for it."),
        ],
    },
    "isf": {
        "title": "What an Individual Service Fund is",
        "summary": "A support organisation you choose holds your budget for you, kept for you alone.",
        "sections": [
            (
                "How it works",
                [
                    "You choose a support organisation. The council pays your budget to them under a "
                    "flexible agreement. The money is kept separate, for you alone (ring-fenced).",
                    "The organisation's management fee is agreed at the start, so you know what it costs.",
                    "They send you statements that show where every pound went.",
                ],
            ),
            (
                "What it means for your week",
                [
                    "The organisation employs the staff who support you, so you do not become an employer. "
                    "You decide with them what support you want, when and how.",
                    "If you want to, you can take on parts of it yourself, such as choosing or interviewing "
                    "staff.",
                    "You can end the agreement and move to another organisation; the money left over moves "
                    "with you.",
                ],
            ),
        ],
        "easy": [
            ("A building with a heart on it", "A support organisation looks after your money."),
            ("A locked box with your name", "The money is only for you."),
            ("A price tag", "You know what they charge from the start."),
            ("A sheet of paper with numbers", "They show you where the money went."),
            ("A person with a support worker", "They employ the staff. You do not have to."),
            ("A door with an arrow going out", "You can move to another organisation."),
        ],
    },
    "managed-direct-payment": {
        "title": "What a managed direct payment is",
        "summary": "Your direct payment, looked after for you by an organisation, so you keep the choice "
        "without the paperwork.",
        "sections": [
            (
                "How it works",
                [
                    "The council pays your direct payment to an organisation you agree with, such as a "
                    "community hub or a managed account service. They hold it and do the paperwork.",
                    "Their charge is agreed at the start and paid on top of the money for your support.",
                ],
            ),
            (
                "What it means for your week",
                [
                    "You choose who supports you. The organisation can run the payroll for personal "
                    "assistants you employ, or pay an agency for you.",
                    "If you employ personal assistants you are still their employer, but the organisation "
                    "helps with the duties that brings.",
                    "You can change organisation, or change to another way of holding your budget, later.",
                ],
            ),
        ],
        "easy": [
            ("A purse held by a helper", "An organisation looks after your direct payment."),
            ("A pile of forms with a tick", "They do the paperwork for you."),
            ("A hand choosing from three cards", "You choose who supports you."),
            ("A price tag", "They take an agreed charge from your budget."),
        ],
    },
    "complain": {
        "title": "How to complain",
        "summary": "What to do if something is wrong with your support, your budget or how you were treated.",
        "sections": [
            (
                "Start with who you are unhappy with",
                [
                    "Tell the provider or the council what went wrong and what you would like to happen. "
                    "You can do this by phone, email, letter or in person. Someone can do it for you.",
                    "They should tell you how long they will take to answer, usually within 20 working days.",
                ],
            ),
            (
                "If you are still not happy",
                [
                    "You can go to the Local Government and Social Care Ombudsman. They are free and "
                    "independent. For health care, go to the Parliamentary and Health Service Ombudsman.",
                    "For the quality of care, you can also tell the Care Quality Commission.",
                ],
            ),
        ],
        "easy": [
            ("A sad face", "Something is wrong."),
            ("A telephone and an envelope", "Tell the provider or the council."),
            ("A helper beside a person", "Someone can do it for you."),
            ("A calendar", "They should answer in about 4 weeks."),
            ("A judge's hammer", "If you are still unhappy, tell the Ombudsman. It is free."),
        ],
    },
    "advocate": {
        "title": "How to get an advocate",
        "summary": "An independent person who helps you say what you want and makes sure you are heard.",
        "sections": [
            (
                "What an advocate does",
                [
                    "An advocate is on your side. They help you understand your choices, say what you "
                    "want, and make sure the council listens.",
                    "You have a right to an independent advocate under the Care Act if you would have "
                    "real difficulty taking part in your assessment, plan or review, and there is nobody "
                    "suitable to help you.",
                ],
            ),
            (
                "How to get one",
                [
                    "Ask your social worker, or contact your council's advocacy service directly (see the "
                    "local contacts on this page). It is free.",
                    "An advocate is different from a support broker: a broker helps you plan and choose; "
                    "an advocate helps you be heard.",
                ],
            ),
        ],
        "easy": [
            ("Two people side by side", "An advocate is on your side."),
            ("A speech bubble", "They help you say what you want."),
            ("An ear", "They make sure people listen to you."),
            ("A coin with a cross through it", "It is free."),
            ("A telephone", "Ask your social worker, or call the advocacy service."),
        ],
    },
}

TOPIC_CHOICES = [(slug, topic["title"]) for slug, topic in TOPICS.items()]
