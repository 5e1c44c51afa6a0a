"""`make bench`: each scenario timed against its baseline, printed as a ratio.

Speed targets live here, never in timed tests. The runner builds a throwaway database
(SQLite by default, PostgreSQL through DATABASE_URL), lets each scenario fill it, then times
our code and the baseline run by run, alternating which goes first, and compares the medians:
background load on this shared machine then lands on both sides alike (timing all of ours,
then all of the baseline's, once made S5 range from 0.52x to 1.58x). Exit status 1 when a
scenario misses its target.

The cache is the deployment's: Redis when REDIS_URL is set or Redis answers on
127.0.0.1:6379 (README, Deploy), else the database cache; the output says which.

A scenario module has NAME, TARGET (the highest ratio ours/baseline that passes), REPEAT,
setup(), check(), ours() and baseline(). Optional, for the scenarios of issue 17:
- RUNS: measure that many times; the scenario passes only when every run does (S5: 5 of 5).
- measure(): instead of ours/baseline, return a list of `Row`s measured its own way (the
  HTTP scenario times two servers' throughput, the scale one two table sizes).
- teardown(): called after the scenario, even when it failed (stops servers).
"""

import gc
import importlib
import os
import pkgutil
import sys
import traceback
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings: DEBUG off (with DEBUG on, Django records every query, which costs
# the side with more queries more). The key signs nothing here.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-signs-nothing")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain http on loopback: no proxy here


def _deployment_cache() -> str:
    """The cache the deployment recommends (README, Deploy: REDIS_URL on a busy park): Redis
    when REDIS_URL is set or one answers on 127.0.0.1:6379, else the database cache. The
    throttles count every request in it. BENCH_CACHE=database keeps the database cache."""
    import socket

    if os.environ.get("BENCH_CACHE") == "database":
        os.environ.pop("REDIS_URL", None)
    elif not os.environ.get("REDIS_URL"):
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            pass
        else:
            os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    if os.environ.get("REDIS_URL"):
        return f"redis ({os.environ['REDIS_URL']})"
    return "database (core.cache.CheapSetDatabaseCache; no Redis reachable)"


CACHE = _deployment_cache()
# No collectstatic for benchmarks: WhiteNoise need not say so.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

from bench.timing import Row, interleaved_medians, median_seconds  # noqa: E402, F401 (after the environment; median_seconds for older scenarios)


def measure(scenario) -> list[Row]:
    if hasattr(scenario, "measure"):
        return scenario.measure()
    runs = getattr(scenario, "RUNS", 1)
    rows = []
    for run in range(runs):
        ours, baseline = interleaved_medians(
            scenario.ours, scenario.baseline, repeat=scenario.REPEAT
        )
        suffix = f" (run {run + 1}/{runs})" if runs > 1 else ""
        rows.append(Row(f"{scenario.NAME}{suffix}", ours, baseline, scenario.TARGET))
    return rows


def main(selected: list[str]) -> int:
    """Run every scenario, or those whose module name starts with one of `selected` (s1)."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench import scenarios

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows, errors = [], []
        for module_info in sorted(pkgutil.iter_modules(scenarios.__path__), key=lambda m: m.name):
            if selected and not module_info.name.startswith(tuple(selected)):
                continue
            scenario = None
            try:
                scenario = importlib.import_module(f"bench.scenarios.{module_info.name}")
                scenario.setup()
                scenario.check()  # ours and the baseline must return the same data
                # What the setup left in memory (for some scenarios 100,000 objects built in
                # Python) is the harness's, not the code under test: frozen, the collector's
                # full passes no longer charge its traversal to whichever side allocates more.
                gc.collect()
                gc.freeze()
                rows.extend(measure(scenario))
            except Exception as error:  # one broken scenario must not hide the others' rows
                traceback.print_exc()
                errors.append(f"{module_info.name}: {type(error).__name__}: {error}"[:300])
            finally:
                gc.unfreeze()
                if hasattr(scenario, "teardown"):
                    scenario.teardown()
            print(f"  measured {module_info.name}", file=sys.stderr, flush=True)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}; cache and throttle counts: {CACHE}")
    header = (
        f"{'scenario':<50} {'ours ms':>9} {'baseline ms':>12} {'ratio':>7} {'target':>7}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for row in rows:
        failed += not row.passed
        print(
            f"{row.name:<50} {row.ours * 1000:>9.2f} {row.baseline * 1000:>12.2f} "
            f"{row.ratio:>6.2f}x "
            + (f"{row.target:>6.1f}x" if row.target is not None else f"{'-':>7}")
            + f"  {row.verdict}"
            + (f"  {row.note}" if row.note else "")
        )
    for error in errors:
        print(f"ERROR {error}")
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main([name.lower() for name in sys.argv[1:]]))
