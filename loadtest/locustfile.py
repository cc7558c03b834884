"""The pages issue 14 names, under load: `make bench` (loadtest/run.py) writes the URLs and signed-in
session cookies to $LOADTEST_PLAN and runs this file with locust, headless.

Each simulated user asks for every page in turn, so each page gets about the same number of requests
and its own line in the statistics (named by the page, not the URL)."""

import json
import os

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["LOADTEST_PLAN"], encoding="utf-8").read())  # noqa: SIM115


class Visitor(HttpUser):
    wait_time = between(0, 0)

    @task
    def every_page(self):
        for page in PLAN["pages"]:
            headers = {"Cookie": f"sessionid={page['session']}"} if page.get("session") else {}
            with self.client.get(page["url"], name=page["name"], headers=headers, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code} for {page['url']}")
                elif page.get("expect") and page["expect"] not in r.text:
                    r.failure(f"'{page['expect']}' not on {page['url']}")
