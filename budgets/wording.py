"""Words for families: each way of holding a budget explained by what it means for their week.

Family pages never show codes such as `isf` or "commissioner-controlled"; they use these.
"""

FAMILY_WORDING: dict[str, dict[str, str]] = {
    "direct_payment": {
        "title": "You hold the money yourself (a direct payment)",
        "short": "paid to you as a direct payment",
        "who_holds": "The council pays the money into a bank account that you, or someone who acts for "
        "you, look after.",
        "staff": "You can buy support from an organisation, or employ your own personal assistants. If you "
        "employ them, you become their employer, with the duties that brings.",
        "you_do": "You keep receipts and records, and show the council how the money was spent.",
        "change": "You can change to another way later by asking your social worker.",
    },
    "direct_payment_managed": {
        "title": "An organisation looks after your direct payment for you",
        "short": "a direct payment an organisation looks after for you",
        "who_holds": "An organisation you agree with holds the money and does the paperwork for you. Its "
        "charge is agreed at the start and the council pays it on top of the money for your support.",
        "staff": "You choose who supports you. The organisation can pay them for you, so you do not have to "
        "run a payroll yourself.",
        "you_do": "You say what support you want and when. The organisation keeps the records.",
        "change": "You can change organisation, or change to another way, later.",
    },
    "isf": {
        "title": "A support organisation you choose holds the money (an Individual Service Fund)",
        "short": "held for you by the support organisation you chose",
        "who_holds": "The organisation you choose holds your money for you, kept separate for you alone. "
        "Its management fee is agreed at the start. It sends you statements that show where the money went.",
        "staff": "The organisation employs the staff who support you, so you get support that fits your life "
        "without becoming an employer.",
        "you_do": "You decide with them what support you want, when and how. You can take on parts of it "
        "yourself if you want to.",
        "change": "You can end the agreement and move to another organisation. The money left over moves "
        "with you.",
    },
    "commissioner_controlled": {
        "title": "The council arranges your support for you (a council-managed budget)",
        "short": "looked after by the council, which arranges your support",
        "who_holds": "The council keeps the money and buys support for you from organisations it works with.",
        "staff": "The organisations the council uses employ the staff. You do not have to employ anyone.",
        "you_do": "You tell your social worker what is working and what is not.",
        "change": "You can ask to change to another way at any time.",
    },
}


def family_title(management_type: str) -> str:
    return FAMILY_WORDING.get(management_type, {}).get("title", "")
