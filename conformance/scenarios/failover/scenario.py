"""A refusing server is failed over to the next; when no server is left, the product's
own error status."""
BACKENDS = {"a": "refuse", "b": "ok"}
NAMED_DIFFERENCES = {
    "no server left": "nginx and Caddy answer 502, HAProxy 503",
}
LOST_IN_TRANSLATION = {
    "nginx>haproxy": ("no_server_status 502 becomes 503", "HAProxy answers 503 when no server is left"),
    "caddy>haproxy": ("no_server_status 502 becomes 503", "HAProxy answers 503 when no server is left"),
    "haproxy>caddy": ("connect_error_status 503 becomes 502", "Caddy reports a failed connection as 502 and cannot "
                                                              "tell it from a bad answer, which HAProxy also answers 502"),
}


def traffic(t):
    seq = t.backend_sequence(6)
    t.expect("every request answered by the live server", seq, ["b"] * 6)
    t.backends["b"].stop()
    r = t.request("/x", timeout=15)
    t.expect("no server left", r.status, t.by_source(nginx=502, caddy=502, haproxy=503), r)
