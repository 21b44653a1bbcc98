#!/usr/bin/python3
"""Write a large, realistic nginx.conf for benchmarking `proxyglot check` vs `nginx -t`.

Usage: gen_nginx_config.py OUTPUT [LINE_TARGET]   (default target 11000)

Shape is fixed (500 upstreams, 50 servers, 9000 locations) so runs are
comparable; LINE_TARGET only decides how many locations are written in
multi-line form. The compact form is the floor (~11.5k lines), so a target
below it is met as closely as possible.
"""
import random
import sys

SEED = 20240501          # fixed seed: same file on every machine and run
N_UPSTREAMS = 500
N_SERVERS = 50
N_LOCATIONS = 9000
BASE_PORT = 8001

WORDS = ["api", "v1", "v2", "users", "orders", "cart", "search", "auth",
         "static", "assets", "img", "media", "billing", "reports", "admin",
         "catalog", "feed", "events", "metrics", "inventory"]
HEADERS = ["Host $host", "X-Real-IP $remote_addr",
           "X-Forwarded-For $proxy_add_x_forwarded_for",
           "X-Forwarded-Proto $scheme"]


def upstream_block(rng, u):
    lines = [f"    upstream upstream{u:03d} {{"]
    if rng.random() < 0.10:
        lines.append("        least_conn;")
    for s in range(rng.choices([2, 3, 4], [80, 15, 5])[0]):
        # IP literals, not hostnames: nginx -t resolves names at load time.
        lines.append(f"        server 10.{u // 250}.{u % 250}.{10 + s}:{8080 + s}"
                     f" weight={rng.randint(1, 5)} max_fails={rng.randint(1, 5)}"
                     f" fail_timeout={rng.choice([5, 10, 15, 30])}s;")
    if rng.random() < 0.20:
        lines.append(f"        keepalive {rng.choice([8, 16, 32, 64])};")
    lines.append("    }")
    return lines


def location_head(rng, n):
    # n is a global counter baked into every path, so no server can ever
    # contain two identical locations (nginx rejects duplicates).
    a, b = rng.sample(WORDS, 2)
    kind = rng.choices(["", "=", "^~", "~", "~*"], [40, 15, 15, 15, 15])[0]
    if kind == "":
        return f"location /{a}/{b}{n}/"
    if kind == "=":
        return f"location = /{a}/{b}{n}"
    if kind == "^~":
        return f"location ^~ /{a}{n}/{b}/"
    if kind == "~":
        return rf"location ~ ^/{a}/{b}{n}/(\d+)$"
    return rf"location ~* ^/{a}{n}/.+\.(jpg|png|webp)$"


def location_body(rng):
    body = [f"proxy_pass http://upstream{rng.randrange(N_UPSTREAMS):03d};"]
    for h in rng.sample(HEADERS, rng.choices([0, 1, 2], [60, 25, 15])[0]):
        body.append(f"proxy_set_header {h};")
    if rng.random() < 0.25:
        body.append(f"proxy_read_timeout {rng.choice([10, 30, 60, 120])}s;")
    if rng.random() < 0.10:
        body.append(f"proxy_connect_timeout {rng.choice([2, 5, 10])}s;")
    return body


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) == 3 else 11000
    rng = random.Random(SEED)

    upstreams = [upstream_block(rng, u) for u in range(N_UPSTREAMS)]
    locs = [(location_head(rng, n), location_body(rng)) for n in range(N_LOCATIONS)]

    # Compact = one line per location; each expanded location costs
    # len(body) + 1 extra lines. Expand a seeded random subset to hit target.
    compact = (3 + 2                                   # events, http { }
               + sum(len(b) for b in upstreams)
               + N_SERVERS * 4 + N_LOCATIONS)          # server{ listen name }
    budget = target - compact
    multi = set()
    for i in rng.sample(range(N_LOCATIONS), N_LOCATIONS):
        cost = len(locs[i][1]) + 1
        if cost <= budget:
            multi.add(i)
            budget -= cost

    lines = ["events {", "}", "", "http {"]
    for block in upstreams:
        lines += block
    per_server = N_LOCATIONS // N_SERVERS
    for s in range(N_SERVERS):
        lines += ["    server {",
                  f"        listen {BASE_PORT + s};",
                  f"        server_name svc{s:02d}.example.com;"]
        for i in range(s * per_server, (s + 1) * per_server):
            head, body = locs[i]
            if i in multi:
                lines.append(f"        {head} {{")
                lines += [f"            {d}" for d in body]
                lines.append("        }")
            else:
                lines.append(f"        {head} {{ {' '.join(body)} }}")
        lines.append("    }")
    lines.append("}")

    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out}: {len(lines)} lines, {N_UPSTREAMS} upstreams, "
          f"{N_LOCATIONS} locations, {N_SERVERS} servers", file=sys.stderr)


if __name__ == "__main__":
    main()
