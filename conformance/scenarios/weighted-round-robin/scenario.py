"""Weighted round robin 3:1 with a backup server (the guide's nginx upstream): a gets
three requests in four, b one, the backup none while the primaries are up."""
BACKENDS = {"a": "ok", "b": "ok", "c": "ok"}
NOT_IN_PRODUCT = {"caddy": "Caddy 2.6 has neither server weights (weighted_round_robin came in 2.7) nor backup servers"}
NAMED_DIFFERENCES = {
    "order": "nginx interleaves by its smooth algorithm (a a b a); HAProxy places servers by position (a a a b)",
}
LOST_IN_TRANSLATION = {
    "nginx>haproxy": ("weighted_order", "HAProxy's weighted round robin runs a server's turns together (a a a b); "
                                        "the share, 6 of 8, is kept"),
    "haproxy>nginx": ("weighted_order", "nginx interleaves weighted servers smoothly (a a b a); the share is kept"),
}


def traffic(t):
    seq = t.backend_sequence(8)
    t.expect("distribution over 8 requests", {n: seq.count(n) for n in "abc"}, {"a": 6, "b": 2, "c": 0})
    t.expect("order", seq[:4], t.by_source(nginx=list("aaba"), haproxy=list("aaab")))
