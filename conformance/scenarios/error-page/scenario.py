"""An error page for a dead backend: the proxy's own failure becomes a 503 with the
configured body (nginx error_page to a named location, Caddy handle_errors, HAProxy
errorfile)."""
BACKENDS = {"a": "refuse"}


def traffic(t):
    r = t.request("/x")
    t.expect("status", r.status, 503, r)
    t.expect("body", r.body, b"maintenance", r)
