"""The search benchmark's measurement (bench/run.py): at least BENCH_REQUESTS requests per
class and, for a fast page, as many as fit in BENCH_MIN_SECONDS, over real HTTP."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import bench.run


class Counted(BaseHTTPRequestHandler):
    asked = 0

    def do_GET(self):
        type(self).asked += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def page_url():
    Counted.asked = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Counted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_a_fast_page_is_asked_for_the_whole_minimum_time(page_url, monkeypatch):
    monkeypatch.setattr(bench.run, "WARMUP", 2)
    monkeypatch.setattr(bench.run, "REQUESTS", 3)
    monkeypatch.setattr(bench.run, "MIN_SECONDS", 0.2)
    started = time.perf_counter()
    figures = bench.run.measure(page_url)
    assert time.perf_counter() - started >= 0.2
    assert figures["requests"] > 3
    assert Counted.asked == figures["requests"] + 2  # the warm-up is asked, not counted
    assert 0 <= figures["p50"] <= figures["p95"] <= figures["p99"]


def test_without_a_minimum_time_the_minimum_count_is_asked(page_url, monkeypatch):
    monkeypatch.setattr(bench.run, "WARMUP", 1)
    monkeypatch.setattr(bench.run, "REQUESTS", 4)
    monkeypatch.setattr(bench.run, "MIN_SECONDS", 0)
    assert bench.run.measure(page_url)["requests"] == 4
    assert Counted.asked == 5
