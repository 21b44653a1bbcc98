"""A backend too slow to answer: the client gets a gateway timeout once the configured
read timeout (1 s) has passed, not after the backend's 3 s."""
import time

BACKENDS = {"a": "slow:3"}


def traffic(t):
    start = time.time()
    r = t.request("/x")
    took = time.time() - start
    t.expect("status", r.status, 504, r)
    t.expect_true(f"answered after the 1 s timeout, before the backend's 3 s (took {took:.2f} s)", 0.9 < took < 2.5, r)
