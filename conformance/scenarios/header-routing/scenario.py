"""Routing on a request header (the guide's `hdr(Upgrade) -i websocket`): requests
asking for a WebSocket go to their own pool."""
BACKENDS = {"a": "ok", "b": "ok"}


def traffic(t):
    r = t.request("/chat", headers=[("Upgrade", "websocket"), ("Connection", "close")])
    t.expect("Upgrade: websocket goes to", r.backend, "b", r)
    r = t.request("/chat")
    t.expect("no Upgrade goes to", r.backend, "a", r)
    r = t.request("/chat", headers=[("Upgrade", "h2c"), ("Connection", "close")])
    t.expect("Upgrade: h2c goes to", r.backend, "a", r)
