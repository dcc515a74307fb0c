"""Locust users of the dashboards load benchmark (run by ``bench/load_dashboards.py``).

Anonymous visitors: the national dashboard, a measure page, a random organisation's profile and
a static page (the floor). The runner passes the organisation codes (a file), the measure slugs
and each user's pause between requests in the environment.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

ORGANISATIONS = Path(os.environ["WRES_LOAD_ORGANISATIONS"]).read_text().split()
MEASURES = os.environ["WRES_LOAD_MEASURES"].split(",")
LOW, HIGH = (float(x) for x in os.environ.get("WRES_LOAD_WAIT", "0.5,1.5").split(","))


class Visitor(FastHttpUser):
    wait_time = between(LOW, HIGH) if HIGH > 0 else constant(0)

    def _page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif b"</html>" not in (response.content or b""):
                response.failure("incomplete page")

    @task(3)
    def dashboard(self) -> None:
        self._page("/dashboard/", "/dashboard/")

    @task(2)
    def measure(self) -> None:
        self._page(f"/dashboard/{random.choice(MEASURES)}/", "/dashboard/[measure]/")

    @task(3)
    def profile(self) -> None:
        code = random.choice(ORGANISATIONS)
        self._page(f"/organisations/{code}/", "/organisations/[code]/")

    @task(1)
    def floor(self) -> None:
        self._page("/accessibility/", "/accessibility/ (floor)")
