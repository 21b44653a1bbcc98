"""IP-hash stickiness: every client address keeps its server (nginx hashes the first
three octets of an IPv4 address, so all of 127.0.0.x share one)."""
BACKENDS = {"a": "ok", "b": "ok", "c": "ok"}
NAMED_DIFFERENCES = {
    "one server for 127.0.0.0/24": "nginx's ip_hash uses the first three octets of IPv4 addresses",
}
CLIENTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]
LOST_IN_TRANSLATION = {
    "nginx>haproxy": ('policy "ip_hash" becomes "hash"', "HAProxy's balance source hashes the whole address: "
                                                          "each client still sticks, but 127.0.0.x no longer share one"),
    "nginx>caddy": ('policy "ip_hash" becomes "hash"', "Caddy's ip_hash hashes the whole address: each client still "
                                                        "sticks, but 127.0.0.x no longer share one"),
}


def traffic(t):
    chosen = {}
    for client in CLIENTS:
        seq = [t.request("/x", source_address=(client, 0)).backend for _ in range(4)]
        t.expect(f"client {client} sticks to one server", len(set(seq)) == 1 and seq[0] is not None, True)
        chosen[client] = seq[0]
    if t.source == "nginx":
        t.expect("one server for 127.0.0.0/24", len(set(chosen.values())), 1)
