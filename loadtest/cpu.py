"""CPU time a request of each page issue 14 names, in one process (Django's test client against the
council `loadtest/run.py --keep` built), as the server runs it (DEBUG off). Unlike requests a second,
this process's CPU time does not depend on what else the machine is doing, so it compares code before
and after a change (PostgreSQL's own work is not in it).

    DATABASE_URL=postgres://.../NAME python loadtest/cpu.py [--requests 50] [--only NAME]
        [--dump DIR] [--profile NAME]

The council is `NAME_loadtest` (as run.py names it). `--dump DIR` writes each page's HTML (and the
extra pages below, for more people of each kind) with the per-request tokens blanked, to compare a
change's pages with the ones before it (`diff -r`). `--profile NAME` prints the page's cProfile.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKENS = re.compile(
    rb'(csrfmiddlewaretoken" value="|nonce="|csrf_token" content="|X-CSRFToken": "|value="form:)[^"]*'
)


def _setup() -> dict:
    sys.path.insert(0, str(ROOT))
    from loadtest import run

    url, name = run._database_urls()
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "cpu-measure-" + "x" * 40),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        CONN_MAX_AGE="60",
        SITE_URL="http://testserver",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    built = json.loads((Path(tempfile.gettempdir()) / f"{name}.json").read_text())
    built["sessions"] = run._sessions(built)
    return built


def _more_pages(built: dict) -> list[dict]:
    """More people of each kind, for comparing HTML: other people's pages, other ledgers and pages."""
    from budgets.models import Person, PersonalBudget
    from loadtest import run
    from organisations.models import Membership, Role, User
    from providers.ledger.models import HeldAccount

    s = built["sessions"]
    pages = []
    council = Person.objects.get(pk=built["person"]).council_id
    people = Person.objects.filter(council=council).order_by("pk").values_list("pk", flat=True)
    for pk in list(people[1:400:57]):
        pages.append({"name": f"person {pk}", "url": f"/people/{pk}/", "session": s["commissioner"]})
    pages.append({"name": "caseload p3", "url": "/people/?page=3", "session": s["commissioner"]})
    pages.append({"name": "caseload q=ann", "url": "/people/?q=ann", "session": s["commissioner"]})
    provider = HeldAccount.objects.get(pk=built["fund"]).provider_id
    funds = HeldAccount.objects.filter(provider=provider).order_by("pk").values_list("pk", flat=True)
    for pk in list(funds[:60:12]):
        pages.append({"name": f"ledger {pk}", "url": f"/isf/{pk}/", "session": s["provider"]})
    pages.append({"name": "ledger p1", "url": f"/isf/{built['fund']}/?page=1", "session": s["provider"]})
    pages.append({"name": "ledger p7", "url": f"/isf/{built['fund']}/?page=7", "session": s["provider"]})
    pages.append({"name": "ledger list p2", "url": "/isf/provider/?page=2", "session": s["provider"]})
    pages.append({"name": "council's ledgers", "url": "/isf/council/", "session": s["commissioner"]})
    pages.append(
        {"name": "ledger, commissioner", "url": f"/isf/{built['fund']}/", "session": s["commissioner"]}
    )
    # An approver with a low limit: most proposals are over it.
    low = User.objects.filter(email="approver-low@load.example.org").first()
    if low is None:
        low = User.objects.create_user(email="approver-low@load.example.org", password=None)
        Membership.objects.create(user=low, role=Role.APPROVER, council_id=council, approval_limit=15000)
    pages.append({"name": "approval queue, low limit", "url": "/approvals/", "session": run._session(low)})
    # Other families: the people of three more funds, each signed in as themselves.
    for fund in HeldAccount.objects.filter(provider=provider).exclude(pk=built["fund"]).order_by("pk")[5:8]:
        email = f"family-{fund.person_id}@load.example.org"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password=None
        )
        Person.objects.filter(pk=fund.person_id).update(user=user)
        session = run._session(user)
        for url in ("/isf/", "/your-budget/"):
            pages.append({"name": f"family {fund.person_id} {url}", "url": url, "session": session})
    assert PersonalBudget.objects.exists() and Membership.objects.filter(role=Role.APPROVER).exists()
    return pages


def _client(page: dict):
    from django.test import Client

    client = Client()
    if page.get("session"):
        client.cookies["sessionid"] = page["session"]
    return client


def _get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--dump", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    built = _setup()
    from loadtest import run

    pages = run._pages(built)
    # The plain page signed in: the fixed cost of a signed-in page (session, user, header).
    pages.insert(
        1, {**pages[0], "name": "plain page, signed in", "session": built["sessions"]["commissioner"]}
    )
    if args.dump:
        out = Path(args.dump)
        out.mkdir(parents=True, exist_ok=True)
        for page in pages + _more_pages(built):
            html = _get(_client(page), page["url"]).content
            name = re.sub(r"[^A-Za-z0-9]+", "_", page["name"]).strip("_")
            (out / f"{name}.html").write_bytes(TOKENS.sub(rb"\1-", html))
        print(f"wrote {out}")
        return
    if args.only:
        pages = [pages[0]] + [p for p in pages[1:] if any(o in p["name"] for o in args.only)]
    plain = None
    for page in pages:
        client = _client(page)
        for _ in range(5):
            _get(client, page["url"])
        if args.profile and args.profile in page["name"]:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for _ in range(args.requests):
                _get(client, page["url"])
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(r"^(?!.*site-packages)", 40)
            stats.sort_stats("cumulative").print_stats(80)
            stats.sort_stats("tottime").print_stats(30)
            continue
        best = None
        for _ in range(3):  # the least of three rounds: the one least disturbed by the machine
            start = time.process_time()
            for _ in range(args.requests):
                _get(client, page["url"])
            spent = (time.process_time() - start) * 1000 / args.requests
            best = spent if best is None else min(best, spent)
        plain = plain or best
        print(
            f"  {page['name']:<28} {best:6.2f} ms CPU a request  ({best / plain:5.1f} x plain page)",
            flush=True,
        )


if __name__ == "__main__":
    main()
