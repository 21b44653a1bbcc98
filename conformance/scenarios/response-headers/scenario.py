"""Response fields added by the proxy, on success and on the backend's own errors."""
BACKENDS = {"a": "ok"}


def traffic(t):
    r = t.request("/x")
    t.expect("200: X-Frame-Options", r.header("x-frame-options"), "DENY", r)
    t.expect("200: X-Served-By", r.header("x-served-by"), "edge", r)
    t.backends["a"].mode = "status:500"
    r = t.request("/x")
    t.expect("500 passed through", r.status, 500, r)
    t.expect("500: X-Frame-Options", r.header("x-frame-options"), "DENY", r)
