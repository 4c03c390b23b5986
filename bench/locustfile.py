"""Readers for the mixed-load benchmark; run by bench/mixed.py with .venv-bench's locust.

Only the standard library and locust: this file runs in .venv-bench, which has no Django.
bench/mixed.py reads the sample slugs from the benchmark database and passes them in a JSON
file (BENCH_MIXED_SAMPLES); every finished request is written as one JSON line to
BENCH_MIXED_RECORD, so bench/mixed.py computes exact percentiles (locust's own are rounded to
buckets) and lists every failure with its URL.

Each user sends its next request as soon as the previous one answers (BENCH_THINK_SECONDS
adds a random pause of up to that many seconds), and every response that is not a 200 is a
failure: redirects are not followed.
"""

import itertools
import json
import os
import random
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task

SAMPLES = json.loads(Path(os.environ["BENCH_MIXED_SAMPLES"]).read_text(encoding="utf-8"))
RECORD = open(os.environ["BENCH_MIXED_RECORD"], "a", encoding="utf-8")  # noqa: SIM115
THINK = float(os.environ.get("BENCH_THINK_SECONDS", "0"))
SEEDS = itertools.count()


@events.request.add_listener
def record(request_type, name, response_time, response, exception, start_time=None, **kwargs):
    status = getattr(response, "status_code", None)
    line = [name, start_time, response_time, status, kwargs.get("url"), None]
    if exception is not None:
        line[5] = str(exception) or type(exception).__name__
    RECORD.write(json.dumps(line) + "\n")


@events.user_error.add_listener
def user_error(user_instance, exception, tb, **kwargs):
    # A bug in a task is a failure of the run, not something to leave in locust's log only.
    RECORD.write(json.dumps(["user error", None, 0, None, None, repr(exception)]) + "\n")


@events.quitting.add_listener
def close_record(**kwargs):
    RECORD.close()


class Reader(FastHttpUser):
    wait_time = between(0, THINK) if THINK > 0 else constant(0)
    # A broad search at 1,000,000 articles takes seconds; a minute-long wait is a failure.
    network_timeout = connection_timeout = 120.0

    def on_start(self):
        # Each user draws its own sequence, the same one on every run.
        self.random = random.Random(next(SEEDS))

    def get(self, name: str, path: str, params: dict | None = None) -> None:
        if params:
            path += "?" + urlencode(params)
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    def pick(self, kind: str):
        return self.random.choice(SAMPLES[kind])

    def term(self) -> tuple[str, str]:
        return self.random.choice(list(SAMPLES["searches"].items()))

    # Searches of every breadth bench/run.py measures, a twentieth of the traffic each.
    @task(5)
    def search_rare(self):
        self.get("search rare", "/articles/", {"q": SAMPLES["searches"]["rare"]})

    @task(5)
    def search_10(self):
        self.get("search 10%", "/articles/", {"q": SAMPLES["searches"]["10%"]})

    @task(5)
    def search_30(self):
        self.get("search 30%", "/articles/", {"q": SAMPLES["searches"]["30%"]})

    @task(5)
    def search_85(self):
        self.get("search 85%", "/articles/", {"q": SAMPLES["searches"]["85%"]})

    @task(5)
    def search_and(self):
        self.get("search AND", "/articles/", {"q": SAMPLES["searches"]["AND"]})

    @task(5)
    def search_phrase(self):
        self.get("search phrase", "/articles/", {"q": SAMPLES["searches"]["phrase"]})

    @task(10)
    def search_in_a_state(self):
        _, query = self.term()
        self.get("search + state", "/articles/", {"q": query, "state": self.pick("states")})

    @task(10)
    def facet_click(self):
        # A reader on a search's results picks one value of one facet beside them.
        facet, slug = self.pick("facets")
        _, query = self.term()
        self.get("facet click", "/articles/", {"q": query, facet: slug})

    @task(5)
    def browse(self):
        self.get("list, no search", "/articles/")

    @task(25)
    def article(self):
        self.get("article page", f"/articles/{self.pick('articles')}/")

    @task(6)
    def county(self):
        self.get("place page (county)", f"/jurisdictions/{self.pick('counties')}/")

    @task(3)
    def state(self):
        self.get("place page (state)", f"/jurisdictions/{self.pick('state_pages')}/")

    @task(4)
    def jurisdictions(self):
        self.get("/jurisdictions/", "/jurisdictions/")

    @task(5)
    def api_list(self):
        _, query = self.term()
        self.get("API list", "/api/articles/", {"q": query})

    @task(2)
    def csv_export(self):
        self.get("CSV, narrow search", "/articles.csv", {"q": SAMPLES["searches"]["rare"]})
