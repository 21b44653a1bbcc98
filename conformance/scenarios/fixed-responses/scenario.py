"""Fixed responses and redirects answered by the proxy itself; the backend sees none."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "Location": "nginx makes a relative redirect absolute (http://host:port/new); HAProxy and Caddy send it as "
                "written. Compared as the client resolves it.",
}


def traffic(t):
    r = t.request("/health")
    t.expect("/health", (r.status, r.body), (200, b"ok"), r)
    t.expect("/health reaches no backend", r.seen, None, r)
    r = t.request("/old")
    t.expect("/old status", r.status, 301, r)
    t.expect("Location (resolved)", t.location(r), f"http://example.com:{t.port}/new", r)
    t.expect("/old reaches no backend", r.seen, None, r)
    r = t.request("/other")
    t.expect("the rest is proxied", r.backend, "a", r)
