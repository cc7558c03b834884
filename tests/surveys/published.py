"""A fixture of 156 provider responses that reproduces the published figures of the 2016 survey of
personalised support (seed 002): Table 2's sixteen groups, and the shares quoted for the elements.

Table 2 is published as counts and whole-number shares of 156. The elements are published only as
shares in the text ("71% saying that every service was individually designed", "99% ... some of the
time or all of the time"); the counts below are ones that give exactly those shares when rounded half
up, with the remaining answers made up.
"""

# (option code, published count, published share)
TABLE_2 = [
    ("adults_learning_disability", 142, 91),
    ("children_learning_disability", 57, 37),
    ("adults_autism", 125, 80),
    ("children_autism", 55, 35),
    ("older_people", 50, 32),
    ("dementia", 49, 31),
    ("adults_physical_disability", 101, 65),
    ("children_physical_disability", 42, 27),
    ("adults_mental_health", 98, 63),
    ("children_mental_health", 35, 22),
    ("substance_misuse", 27, 17),
    ("looked_after_children", 16, 10),
    ("adults_complex_health", 86, 55),
    ("children_complex_health", 32, 21),
    ("end_of_life", 33, 21),
    ("other", 18, 12),
]
RESPONDENTS = 156

# question -> (yes_frequently, somewhat, no, not_applicable); all add up to 156.
ELEMENT_COUNTS = {
    "individual_design": (111, 43, 2, 0),  # 71% every service; 99% some or all of the time
    "creative_planning": (108, 42, 6, 0),  # 69% never standard tools; 96% sometimes or always
    "people_families_decide": (95, 50, 9, 2),
    "quality_checking_by_families": (70, 60, 20, 6),
    "individual_policies": (80, 55, 18, 3),
    "staff_matching": (94, 45, 17, 0),  # 60% always; 89% sometimes or always
    "all_housing_options": (62, 44, 30, 20),
    "protected_budget_isf": (59, 50, 40, 7),  # 38% consistently
    "families_recruit_staff": (75, 55, 20, 6),
    "direct_management": (55, 60, 31, 10),  # 35% always
    "funder_flexibility": (33, 80, 40, 3),  # 21% consistently
}
# Shares the report's text quotes: (question, options added together, published share).
QUOTED = [
    ("individual_design", ("yes_frequently",), 71),
    ("individual_design", ("yes_frequently", "somewhat"), 99),
    ("creative_planning", ("yes_frequently",), 69),
    ("creative_planning", ("yes_frequently", "somewhat"), 96),
    ("staff_matching", ("yes_frequently",), 60),
    ("staff_matching", ("yes_frequently", "somewhat"), 89),
    ("direct_management", ("yes_frequently",), 35),
    ("protected_budget_isf", ("yes_frequently",), 38),
    ("funder_flexibility", ("yes_frequently",), 21),
]
ELEMENT_OPTIONS = ("yes_frequently", "somewhat", "no", "not_applicable")


def respondent(i: int) -> str:
    return f"CWR2016-{i + 1:03d}"


def csv_rows() -> list[tuple[str, str, str]]:
    """One row per answer: respondent i has a group when i < its count (so every group's count is
    exact), and answers each element in turn by the counts above."""
    rows = []
    for i in range(RESPONDENTS):
        for code, count, _ in TABLE_2:
            # "other" goes to the last 18, so that everyone has at least one group.
            chosen = i >= RESPONDENTS - count if code == "other" else i < count
            if chosen:
                rows.append((respondent(i), "client_groups", code))
        for question, counts in ELEMENT_COUNTS.items():
            bounds, total = [], 0
            for n in counts:
                total += n
                bounds.append(total)
            option = next(o for o, b in zip(ELEMENT_OPTIONS, bounds, strict=True) if i < b)
            rows.append((respondent(i), question, option))
    return rows


def csv_text() -> str:
    lines = ["respondent_ref,question,answer"] + [",".join(row) for row in csv_rows()]
    return "\n".join(lines) + "\n"
