"""`make bench`: each scenario timed against its raw-SQL baseline, printed as a ratio.

Speed targets live here, never in timed tests. The runner builds a throwaway database
(SQLite by default, PostgreSQL through DATABASE_URL), lets each scenario fill it, then takes
the median of several runs of our code and of the baseline. Exit status 1 when a scenario
misses its target.
"""

import importlib
import os
import pkgutil
import statistics
import sys
import time
import warnings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Production settings: DEBUG off (with DEBUG on, Django records every query, which costs
# the side with more queries more). The key signs nothing here.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-signs-nothing")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")  # plain http on loopback: no proxy here
# No collectstatic for benchmarks: WhiteNoise need not say so.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def median_seconds(function, *, repeat: int) -> float:
    function()  # warm caches and connections once
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


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
        rows = []
        for module_info in sorted(pkgutil.iter_modules(scenarios.__path__), key=lambda m: m.name):
            if selected and not module_info.name.startswith(tuple(selected)):
                continue
            scenario = importlib.import_module(f"bench.scenarios.{module_info.name}")
            scenario.setup()
            scenario.check()  # ours and the baseline must return the same data
            ours = median_seconds(scenario.ours, repeat=scenario.REPEAT)
            baseline = median_seconds(scenario.baseline, repeat=scenario.REPEAT)
            ratio = ours / baseline
            rows.append((scenario.NAME, ours, baseline, ratio, scenario.TARGET))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}")
    header = (
        f"{'scenario':<44} {'ours ms':>9} {'baseline ms':>12} {'ratio':>7} {'target':>7}  result"
    )
    print(header)
    print("-" * len(header))
    failed = 0
    for name, ours, baseline, ratio, target in rows:
        passed = ratio <= target
        failed += not passed
        print(
            f"{name:<44} {ours * 1000:>9.2f} {baseline * 1000:>12.2f} {ratio:>6.2f}x "
            f"{target:>6.1f}x  {'pass' if passed else 'FAIL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main([name.lower() for name in sys.argv[1:]]))
