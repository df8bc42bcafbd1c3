"""The benchmark suite of issue 10 (``make bench`` = ``python -m bench``); the load test lives in bench/loadtest/."""
