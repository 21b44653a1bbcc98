"""A regex redirect with a capture: /old/X answers 301 to /new/X; other paths are proxied."""
BACKENDS = {"a": "ok"}
NAMED_DIFFERENCES = {
    "Location": "nginx makes a relative redirect absolute (http://host:port/new/...); HAProxy and Caddy send it as written. "
                "Compared as the client resolves it.",
}


def traffic(t):
    r = t.request("/old/docs/page.html")
    t.expect("status", r.status, 301, r)
    t.expect("Location (resolved)", t.location(r), f"http://example.com:{t.port}/new/docs/page.html", r)
    t.expect("nothing proxied", r.seen, None, r)
    r = t.request("/older")
    t.expect("/older is proxied", r.backend, "a", r)
