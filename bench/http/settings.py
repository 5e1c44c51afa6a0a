"""Production settings for the HTTP scenario, with the bare view's URL added.

Throttles are raised out of the way: the scenario measures the list, not 429s.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.http.urls"
THROTTLE_RATES = dict.fromkeys(THROTTLE_RATES, "100000000/min")  # noqa: F405
