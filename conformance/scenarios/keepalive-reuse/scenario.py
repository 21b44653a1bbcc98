"""Keepalive to the backend: five requests on one client connection reach the backend
on one connection, as HTTP/1.1."""
BACKENDS = {"a": "ok"}


def traffic(t):
    responses = t.keepalive(["/1", "/2", "/3", "/4", "/5"])
    t.expect("statuses", [r.status for r in responses], [200] * 5)
    seen = t.backends["a"].requests
    t.expect("requests at the backend", [r["target"] for r in seen], ["/1", "/2", "/3", "/4", "/5"])
    t.expect("backend connections used", len({r["connection"] for r in seen}), 1)
    t.expect("upstream protocol", {r["version"] for r in seen}, {"HTTP/1.1"})
