"""Active health checks: a server failing its checks (while it would still serve) gets
no traffic; once it passes again it is back in rotation."""
import time

BACKENDS = {"a": "ok", "b": "ok"}
NOT_IN_PRODUCT = {"nginx": "open-source nginx has no active health checks (nginx Plus's health_check)"}


def traffic(t):
    time.sleep(0.8)
    t.expect("both healthy: both serve", sorted(set(t.backend_sequence(6))), ["a", "b"])
    t.backends["a"].health_mode = "status:503"
    time.sleep(1.0)
    t.expect("a failing its checks: only b serves", t.backend_sequence(6), ["b"] * 6)
    t.expect_true("the checks asked for /health", t.backends["a"].health_requests)
    t.backends["a"].health_mode = "ok"
    time.sleep(1.0)
    t.expect("a healthy again: back in rotation", sorted(set(t.backend_sequence(6))), ["a", "b"])
