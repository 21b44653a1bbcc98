"""Access rules by client address: /admin/ only from 127.0.0.2 (403 for anyone else);
the rest open to all."""
BACKENDS = {"a": "ok"}


def traffic(t):
    r = t.request("/admin/users", source_address=("127.0.0.1", 0))
    t.expect("/admin/ from 127.0.0.1", r.status, 403, r)
    t.expect("a denied request reaches no backend", r.seen, None, r)
    r = t.request("/admin/users", source_address=("127.0.0.2", 0))
    t.expect("/admin/ from 127.0.0.2", (r.status, r.backend), (200, "a"), r)
    r = t.request("/public", source_address=("127.0.0.1", 0))
    t.expect("/public from 127.0.0.1", (r.status, r.backend), (200, "a"), r)
