"""The load test's users (`make loadtest`, see `bench/loadtest.py`): mission heads browsing the portal and filing
reports, each on their own mission's work, signed in with a session prepared by the runner."""

import json
import os
import random
import re

from locust import HttpUser, between, task

PEOPLE = json.loads(open(os.environ["LOADTEST_PEOPLE"], encoding="utf-8").read())  # noqa: SIM115
_next = iter(range(10**9))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class MissionHead(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self):
        self.person = PEOPLE[next(_next) % len(PEOPLE)]
        self.client.cookies.set("sessionid", self.person["session"])
        self.client.headers["Accept-Language"] = random.choice(["vi", "en"])

    @task(4)
    def my_assignments(self):
        self.client.get("/portal/", name="/portal/")

    @task(2)
    def filtered(self):
        query = random.choice(["?timeliness=overdue", "?status=in_progress", "?ordering=-percent&page=2"])
        self.client.get("/portal/" + query, name="/portal/?filters")

    @task(3)
    def assignment(self):
        pk = random.choice(self.person["assignments"])
        self.client.get(f"/portal/assignments/{pk}/", name="/portal/assignments/[id]/")

    @task(2)
    def report(self):
        pk = random.choice(self.person["open"])
        url = f"/portal/assignments/{pk}/report/"
        form = self.client.get(url, name="/portal/assignments/[id]/report/ (form)")
        token, version = CSRF.search(form.text), VERSION.search(form.text)
        if not (token and version):
            form.failure("the report form has no token or version")
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "status": "in_progress",
            "percent": random.choice([40, 45, 50, 55, 60]),
            "results": "Đã làm việc với đối tác (load test).",
            "obstacles": "",
            "proposals": "",
            "version": version.group(1),
        }
        with self.client.post(
            url,
            data,
            headers={"Referer": self.client.base_url + url},
            allow_redirects=False,
            catch_response=True,
            name="/portal/assignments/[id]/report/ (POST)",
        ) as response:
            if response.status_code != 302:
                response.failure(f"the report was not saved ({response.status_code})")
