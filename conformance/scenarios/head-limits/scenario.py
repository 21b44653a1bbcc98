"""Each product's own limits on the request head, with no directive saying them: what a
client gets for a 10 KB request line, a 10 KB header line and a 20 KB head."""
BACKENDS = {"a": "ok"}
# nginx: large_client_header_buffers 4 8k (414 for the line, 400 for a header line);
# HAProxy: one 16 KB buffer (tune.bufsize) for the whole head; Caddy (Go): 1 MB.
EXPECTED = {
    "nginx": {"request line 10 KB": 414, "header line 10 KB": 400, "head 20 KB": 200},
    "haproxy": {"request line 10 KB": 200, "header line 10 KB": 200, "head 20 KB": 400},
    "caddy": {"request line 10 KB": 200, "header line 10 KB": 200, "head 20 KB": 200},
}
NAMED_DIFFERENCES = {"limits": "nginx 8 KB per line (414/400), HAProxy 16 KB for the head (400), Caddy 1 MB"}
LOST_IN_TRANSLATION = {
    "nginx>haproxy": ("header_block_bytes", "HAProxy's head limit is its buffer (tune.bufsize), not per line"),
    "caddy>haproxy": ("header_block_bytes", "HAProxy's head limit is its buffer (tune.bufsize), 16 KB, not Caddy's 1 MB"),
    "nginx>caddy": ("header_block_bytes", "Caddy 2.6 has no per-line head limits (Go's 1 MB for the head)"),
    "haproxy>caddy": ("header_block_bytes", "Caddy's head limit is Go's 1 MB, not HAProxy's 16 KB buffer"),
}


def traffic(t):
    cases = {
        "request line 10 KB": dict(path="/" + "a" * 10000),
        "header line 10 KB": dict(path="/x", headers=[("X-Big", "v" * 10000)]),
        "head 20 KB": dict(path="/x", headers=[(f"X-H{i}", "v" * 4000) for i in range(5)]),
    }
    for label, kw in cases.items():
        r = t.request(**kw)
        t.expect(label, r.status, EXPECTED[t.source][label], r)
