"""Host routing: exact and wildcard names, Host with a port or in capitals, an unknown
Host and none at all (HTTP/1.0) going to the default."""
BACKENDS = {"a": "ok", "b": "ok", "c": "ok"}


def traffic(t):
    for host, backend in [("a.example.com", "a"), ("A.Example.COM", "a"), (f"a.example.com:{t.port}", "a"),
                          ("b.example.com", "b"), ("x.b.example.com", "b"), ("other.test", "c")]:
        r = t.request("/x", host=host)
        t.expect(f"Host {host} goes to", r.backend, backend, r)
    r = t.request("/x", host=None, http10=True)
    t.expect("HTTP/1.0 without Host goes to", r.backend, "c", r)
