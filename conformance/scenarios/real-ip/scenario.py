"""The real client address from a trusted proxy: a request from 127.0.0.1 (trusted)
carrying X-Forwarded-For is taken to come from the last address of that header, and the
backend's X-Real-IP says so; from an untrusted address the header is not believed."""
BACKENDS = {"a": "ok"}
NOT_IN_PRODUCT = {"caddy": "Caddy 2.6.2 cannot take the client address from a header (trusted_proxies and "
                           "{client_ip} came later): {remote_host} is always the peer"}


def real_ip(r):
    return dict((k.lower(), v) for k, v in r.seen["headers"]).get("x-real-ip") if r.seen else None


def traffic(t):
    r = t.request("/x", headers=[("X-Forwarded-For", "198.51.100.1, 203.0.113.9")], source_address=("127.0.0.1", 0))
    t.expect("from the trusted proxy: the header's last address", real_ip(r), "203.0.113.9", r)
    r = t.request("/x", headers=[("X-Forwarded-For", "203.0.113.9")], source_address=("127.0.0.2", 0))
    t.expect("from an untrusted client: its own address", real_ip(r), "127.0.0.2", r)
