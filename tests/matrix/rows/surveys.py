"""Matrix rows for the surveys pages and API.

"own" is council A's person (whom the family account represents) and provider A; "other" is council
B's person and provider B. Another tenant's response answers 404, never 403.
"""

from surveys.definitions import ensure_shipped_surveys
from surveys.models import Survey
from surveys.services import save_answers, start_or_continue_response, submit_response
from tests.matrix.harness import Row

REPORT_READERS = "302 200 403 200 403 403 403 200 403 403"
ONLY_FAMILY = "302 404 404 404 404 404 200 404 404 404"
NOBODY = "302 404 404 404 404 404 404 404 404 404"


def populate(world):
    ensure_shipped_surveys()
    holder = Survey.objects.get(slug="outcome-budget-holder")
    carer = Survey.objects.get(slug="outcome-carer")
    provider_survey = Survey.objects.get(slug="provider-self-assessment")
    actor = world.users["platform_admin"]
    open_, sent, provider_open, provider_sent = {}, {}, {}, {}
    for tenant in ("own", "other"):
        person = world.objects["person"][tenant]
        open_[tenant] = start_or_continue_response(survey=holder, person=person, actor=actor)
        save_answers(response=open_[tenant], answers={"dignity": ["better"]}, actor=actor)
        response = start_or_continue_response(survey=carer, person=person, actor=actor)
        save_answers(response=response, answers={"staying_well": ["same"]}, actor=actor)
        sent[tenant] = submit_response(response=response, actor=actor)
        provider = world.providers[tenant]
        response = start_or_continue_response(survey=provider_survey, provider=provider, actor=actor)
        save_answers(response=response, answers={"isf_years": ["1_to_3"]}, actor=actor)
        provider_sent[tenant] = submit_response(response=response, actor=actor)
        provider_open[tenant] = start_or_continue_response(
            survey=provider_survey, provider=provider, actor=actor
        )
    world.objects.update(
        {
            "survey_open": open_,
            "survey_sent": sent,
            "survey_provider_open": provider_open,
            "survey_provider_sent": provider_sent,
            "survey_holder": holder,
            "survey_carer": carer,
        }
    )


def _pk(key):
    return lambda w, t: w.objects[key][t].pk


ROWS = [
    Row(
        "surveys:upload-responses",
        "302 403 403 403 403 403 403 200 403 403",
        lambda w, t: "/surveys/answers/upload/",
    ),
    Row("surveys:dashboard", REPORT_READERS, lambda w, t: "/surveys/"),
    Row("surveys:report", REPORT_READERS, lambda w, t: "/surveys/reports/outcome-budget-holder/"),
    Row(
        "surveys:report",
        REPORT_READERS,
        lambda w, t: "/surveys/reports/provider-self-assessment/",
        note="(provider self-assessment)",
    ),
    Row("surveys:report-pdf", REPORT_READERS, lambda w, t: "/surveys/reports/outcome-budget-holder/pdf/"),
    Row(
        "surveys:council-questions",
        "302 200 403 200 403 403 403 403 403 403",
        lambda w, t: "/surveys/questions/",
    ),
    Row(
        "surveys:council-questions",
        "302 302 403 302 403 403 403 403 403 403",
        lambda w, t: "/surveys/questions/",
        method="post",
        data=lambda w, t: {
            "survey": w.objects["survey_holder"].pk,
            "text": "Is it easy to find transport?",
            "kind": "single",
            "options": "Yes\nNo",
        },
    ),
    Row("surveys:paper-new", "302 200 403 403 403 403 403 403 403 403", lambda w, t: "/surveys/paper/"),
    Row(
        "surveys:paper-new",
        "302 302 403 403 403 403 403 403 403 403",
        lambda w, t: "/surveys/paper/",
        other="302 200 403 403 403 403 403 403 403 403",
        method="post",
        data=lambda w, t: {
            "person_ref": w.objects["person"][t].person_ref,
            "survey": w.objects["survey_carer"].pk,
        },
        note="(another council's person is not found: the form is shown again)",
    ),
    Row(
        "surveys:provider-self-assessment",
        "302 403 403 403 200 403 403 403 403 403",
        lambda w, t: "/surveys/provider/",
    ),
    Row(
        "surveys:provider-self-assessment",
        "302 403 403 403 302 403 403 403 403 403",
        lambda w, t: "/surveys/provider/",
        method="post",
    ),
    Row("surveys:my-surveys", "302 200 200 200 200 200 200 200 200 200", lambda w, t: "/surveys/yours/"),
    Row(
        "surveys:start",
        "302 404 404 404 404 404 302 404 404 404",
        lambda w, t: f"/surveys/yours/{w.objects['person'][t].pk}/outcome-budget-holder/",
        other=NOBODY,
        method="post",
    ),
    Row(
        "surveys:start",
        "302 405 405 405 405 405 405 405 405 405",
        lambda w, t: f"/surveys/yours/{w.objects['person'][t].pk}/outcome-budget-holder/",
        note="(GET is not allowed)",
    ),
    Row(
        "surveys:question",
        ONLY_FAMILY,
        lambda w, t: f"/surveys/responses/{_pk('survey_open')(w, t)}/questions/dignity/",
        other=NOBODY,
    ),
    Row(
        "surveys:question",
        "302 404 404 404 404 404 302 404 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_open')(w, t)}/questions/dignity/",
        other=NOBODY,
        method="post",
        data=lambda w, t: {"answer": "same"},
    ),
    Row(
        "surveys:check",
        ONLY_FAMILY,
        lambda w, t: f"/surveys/responses/{_pk('survey_open')(w, t)}/check/",
        other=NOBODY,
    ),
    Row(
        "surveys:check",
        "302 404 404 404 404 404 302 404 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_open')(w, t)}/check/",
        other=NOBODY,
        method="post",
        note="(send the answers)",
    ),
    Row(
        "surveys:whole-form",
        ONLY_FAMILY,
        lambda w, t: f"/surveys/responses/{_pk('survey_open')(w, t)}/all/",
        other=NOBODY,
    ),
    Row(
        "surveys:whole-form",
        "302 404 404 404 200 404 404 404 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_provider_open')(w, t)}/all/",
        other=NOBODY,
        note="(provider self-assessment)",
    ),
    Row(
        "surveys:whole-form",
        "302 404 404 404 302 404 404 404 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_provider_open')(w, t)}/all/",
        other=NOBODY,
        method="post",
        data=lambda w, t: {"isf_years": "3_to_5", "funder_flexibility": "somewhat"},
        note="(provider sends the self-assessment)",
    ),
    Row(
        "surveys:whole-form",
        NOBODY,
        lambda w, t: f"/surveys/responses/{_pk('survey_sent')(w, t)}/all/",
        other=NOBODY,
        note="(sent answers cannot be changed)",
    ),
    Row(
        "surveys:response",
        "302 200 404 200 404 404 200 200 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_sent')(w, t)}/",
        other="302 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "surveys:response",
        "302 404 404 404 200 200 404 200 404 404",
        lambda w, t: f"/surveys/responses/{_pk('survey_provider_sent')(w, t)}/",
        other="302 404 404 404 404 404 404 200 404 404",
        note="(provider self-assessment)",
    ),
    Row("api-surveys", "401 200 200 200 200 200 200 200 200 200", lambda w, t: "/api/surveys/"),
    Row(
        "api-survey-report",
        "401 200 403 200 403 403 403 200 403 403",
        lambda w, t: "/api/surveys/outcome-budget-holder/report/",
    ),
    Row(
        "api-survey-responses",
        "401 200 200 200 200 200 200 200 200 200",
        lambda w, t: "/api/survey-responses/",
    ),
    Row(
        "api-survey-response",
        "401 200 404 200 404 404 200 200 404 404",
        lambda w, t: f"/api/survey-responses/{_pk('survey_sent')(w, t)}/",
        other="401 404 404 404 404 404 404 200 404 404",
    ),
    Row(
        "api-survey-response",
        "401 404 404 404 200 200 404 200 404 404",
        lambda w, t: f"/api/survey-responses/{_pk('survey_provider_sent')(w, t)}/",
        other="401 404 404 404 404 404 404 200 404 404",
        note="(provider self-assessment)",
    ),
]
