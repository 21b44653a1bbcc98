"""A backup server takes over while the primary is down and hands back once it returns
(nginx: the primary is retried after fail_timeout; HAProxy: its health checks pass)."""
import time

BACKENDS = {"a": "ok", "b": "ok"}
NOT_IN_PRODUCT = {"caddy": "Caddy 2.6 has no backup servers"}
LOST_IN_TRANSLATION = {
    "nginx>haproxy": ("max_fails", "HAProxy has no passive failure accounting (max_fails/fail_timeout) without health "
                                   "checks: the dead primary keeps being picked and answers 503"),
}


def traffic(t):
    t.expect("primary up: it serves", t.backend_sequence(4), ["a"] * 4)
    t.backends["a"].stop()
    time.sleep(0.6)
    seq = t.backend_sequence(4)
    t.expect("primary down: the backup serves", seq, ["b"] * 4)
    t.backends["a"].start()
    # nginx counts fail_timeout in whole seconds: the primary may stay out for up to 2 s.
    time.sleep(2.5)
    t.expect("primary back: it serves again", t.backend_sequence(4), ["a"] * 4)
