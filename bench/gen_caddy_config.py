#!/usr/bin/python3
"""Write a large, realistic Caddyfile for benchmarking `proxyglot check` vs `caddy adapt`.

Usage: gen_caddy_config.py OUTPUT [LINE_TARGET]   (default target 10000)

A global options block, two snippets, then site blocks until LINE_TARGET lines: each site
has named matchers, security headers, handle/handle_path blocks with load-balanced
reverse_proxy blocks (policies, retries, active and passive health checks, header_up/down,
transport tuning), redirects and responses. Fixed seed: the same file on every run.
"""
import random
import sys

SEED = 20261127
WORDS = ["api", "v1", "v2", "users", "orders", "cart", "search", "auth", "static", "assets",
         "media", "billing", "reports", "admin", "catalog", "feed", "events", "metrics"]
POLICIES = ["round_robin", "least_conn", "random", "first", "ip_hash", "uri_hash",
            "header X-Tenant", "cookie lb_session", "random_choose 2"]


def proxy_block(rng, indent, site, n):
    pad = "\t" * indent
    ups = " ".join(f"10.{site % 250}.{n}.{i}:{8000 + i}" for i in range(rng.randint(2, 4)))
    lines = [f"{pad}reverse_proxy {ups} {{",
             f"{pad}\tlb_policy {rng.choice(POLICIES)}",
             f"{pad}\tlb_try_duration {rng.choice(['1s', '2s', '5s'])}",
             f"{pad}\thealth_uri /healthz",
             f"{pad}\thealth_interval {rng.choice(['5s', '10s', '30s'])}",
             f"{pad}\thealth_timeout 2s",
             f"{pad}\thealth_status 2xx",
             f"{pad}\tfail_duration 30s",
             f"{pad}\tmax_fails 3",
             f"{pad}\theader_up X-Real-IP {{remote_host}}",
             f"{pad}\theader_down -Server"]
    if rng.random() < 0.5:
        lines += [f"{pad}\ttransport http {{",
                  f"{pad}\t\tdial_timeout 3s",
                  f"{pad}\t\tkeepalive 90s",
                  f"{pad}\t\tkeepalive_idle_conns 64",
                  f"{pad}\t}}"]
    lines.append(f"{pad}}}")
    return lines


def site_block(rng, s):
    host = f"site{s:03d}.example.com"
    out = [f"{host}, www.{host} {{",
           "\timport security",
           "\t@writes method POST PUT PATCH DELETE",
           "\t@internal remote_ip 10.0.0.0/8",
           "\t@ws {",
           "\t\theader Connection *Upgrade*",
           "\t\theader Upgrade websocket",
           "\t}",
           "\trespond /robots.txt \"User-agent: *\" 200",
           f"\tredir /old-{rng.choice(WORDS)}/* /{rng.choice(WORDS)}/ 301"]
    for n in range(rng.randint(3, 6)):
        path = "/" + "/".join(rng.sample(WORDS, rng.randint(1, 2)))
        kind = rng.choice(["handle", "handle_path"])
        out.append(f"\t{kind} {path}/* {{")
        out += proxy_block(rng, 2, s, n)
        out.append("\t}")
    out.append("\thandle {")
    out += proxy_block(rng, 2, s, 99)
    out.append("\t}")
    out.append("}")
    out.append("")
    return out


def main():
    path = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(SEED)
    lines = ["{", "\tadmin off", "\thttp_port 80", "\thttps_port 443", "}", "",
             "(security) {", "\theader {",
             "\t\tStrict-Transport-Security \"max-age=31536000\"",
             "\t\tX-Content-Type-Options nosniff", "\t\t-Server", "\t}", "}", ""]
    s = 0
    while len(lines) < target:
        lines += site_block(rng, s)
        s += 1
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
