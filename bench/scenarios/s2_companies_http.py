"""S2: the company list over HTTP, against a bare Django view on the same server.

gunicorn with the production configuration (config/gunicorn.py: its workers, threads and
hooks), production settings and persistent database connections serves
`GET /api/v1/companies/?page_size=100` with a real token, and `/bench/bare-companies/`, a
plain Django view returning the same 100 rows of 5,000 through `json.dumps` (bench/http/).
Closed-loop Python clients keep both busy for a few seconds at a time, turn by turn; the
target: ours serves at least half the bare view's requests per second (a time ratio of 2x).
"""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

from bench.scenarios.s1_companies_list import COMPANIES, bench_manager_token, ensure_companies
from bench.timing import Row

NAME = "S2 HTTP companies list, 100 of 5,000 rows"
TARGET = 2.0  # issue 17: at least 0.5 of the bare view's req/s
REPEAT = 6  # turns of each side
SECONDS_PER_TURN = 3.0
CLIENTS = 4  # two per worker: one request in flight while the other's response is written
OURS_PATH = "/api/v1/companies/?page_size=100"
BARE_PATH = "/bench/bare-companies/"
ROOT = Path(__file__).resolve().parents[2]

_server: subprocess.Popen | None = None
_port = 0
_token = ""


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings["USER"] or ""
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}{port}/{settings['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(path: str, headers: dict) -> tuple[int, bytes]:
    client = http.client.HTTPConnection("127.0.0.1", _port, timeout=30)
    try:
        client.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = client.getresponse()
        return response.status, response.read()
    finally:
        client.close()


def setup() -> None:
    global _server, _port, _token
    ensure_companies(COMPANIES)
    _token = bench_manager_token()
    _port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.http.settings",
        "DATABASE_URL": _database_url(),
    }
    env.pop("PYTEST_VERSION", None)
    _server = subprocess.Popen(  # noqa: S603 (our gunicorn, our arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--config=config/gunicorn.py",  # what `make serve` runs: same workers, same hooks
            f"--bind=127.0.0.1:{_port}",
            "--log-level=warning",
            "--access-logfile=/dev/null",  # written as in production, but not on the bench's output
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get("/healthz", {})[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def teardown() -> None:
    if _server is not None and _server.poll() is None:
        os.killpg(_server.pid, signal.SIGTERM)
        _server.wait(timeout=30)


def _ours_request() -> tuple[int, bytes]:
    return _get(OURS_PATH, {"Authorization": f"Token {_token}"})


def _bare_request() -> tuple[int, bytes]:
    return _get(BARE_PATH, {})


def check() -> None:
    import json

    status, body = _ours_request()
    assert status == 200, body
    bare_status, bare_body = _bare_request()
    assert bare_status == 200, bare_body
    ours, bare = json.loads(body), json.loads(bare_body)
    assert ours["count"] == bare["count"] == COMPANIES
    assert [r["id"] for r in ours["results"]] == [r["id"] for r in bare["results"]]


def requests_per_second(request, *, seconds: float, clients: int = CLIENTS) -> float:
    """Closed loop: `clients` threads send one request after another for `seconds`."""
    done, failures = [0] * clients, []
    stop_at = time.monotonic() + seconds

    def loop(index: int) -> None:
        while time.monotonic() < stop_at:
            status, body = request()
            if status != 200:
                failures.append((status, body[:200]))
                return
            done[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if failures:
        raise RuntimeError(f"requests failed: {failures[0]}")
    return sum(done) / elapsed


def measure() -> list[Row]:
    requests_per_second(_ours_request, seconds=1.0)  # warm both workers' connections
    requests_per_second(_bare_request, seconds=1.0)
    ours_rates, bare_rates = [], []
    for turn in range(REPEAT):
        sides = [(_ours_request, ours_rates), (_bare_request, bare_rates)]
        for request, rates in sides if turn % 2 == 0 else reversed(sides):
            rates.append(requests_per_second(request, seconds=SECONDS_PER_TURN))
    ours, bare = statistics.median(ours_rates), statistics.median(bare_rates)
    note = f"{ours:.0f} req/s, bare view {bare:.0f} req/s: {ours / bare:.2f} of it (>= 0.5)"
    return [Row(NAME, 1 / ours, 1 / bare, TARGET, note)]
