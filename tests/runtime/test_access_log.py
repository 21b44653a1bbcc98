"""Access logs on the runtime: each dialect's own line, where its config sends it."""
import json
import os
import re
import socket
import subprocess

from client import raw, request
from conftest import BINARY


def test_nginx_combined_custom_format_and_off(proxy, backends, tmp_path):
    b = backends("a")
    p = proxy(f"""events {{}}
http {{
  log_format up escape=json '{{"status":$status,"uri":"$request_uri","agent":"$http_user_agent",'
                            '"upstream":"$upstream_addr","upstream_status":"$upstream_status","bytes":$body_bytes_sent}}';
  server {{ listen 8080; server_name example.com;
    access_log {tmp_path}/access.log;
    access_log {tmp_path}/up.log up;
    location /api/ {{ proxy_pass http://127.0.0.1:{b.port}; }}
    location = /hello {{ return 200 "hello\\n"; }}
    location /quiet {{ access_log off; return 204; }}
  }}
}}""", keep_access_logs=True)
    port = p.port()
    assert request(port, path="/hello?x=1", headers={"User-Agent": 'an "agent"', "Referer": "http://r/"})[0] == 200
    assert request(port, path="/quiet")[0] == 204
    status, _, body = request(port, path="/api/item")
    assert status == 200
    assert raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".replace(b"Host", b"Host ")).startswith(b"HTTP/1.1 400")
    p.stop()
    lines = (tmp_path / "access.log").read_text().splitlines()
    # nginx's combined format; '"' escaped as \x22; "-" for what the request lacked.
    combined = re.compile(r'^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "(.*)" (\d+) (\d+) "(.*)" "(.*)"$')
    fields = [combined.match(line).groups() for line in lines]
    assert fields[0] == ("GET /hello?x=1 HTTP/1.1", "200", "6", "http://r/", "an \\x22agent\\x22")
    assert fields[1][0:2] == ("GET /api/item HTTP/1.1", "200") and int(fields[1][2]) == len(body)
    assert fields[2][0:2] == ("GET / HTTP/1.1", "400")  # refused before routing: still logged
    assert len(lines) == 3  # /quiet: access_log off
    up = [json.loads(line) for line in (tmp_path / "up.log").read_text().splitlines()]
    assert up[0]["upstream"] == "" and up[0]["agent"] == 'an "agent"'
    assert up[1] == {"status": 200, "uri": "/api/item", "agent": "", "upstream": f"127.0.0.1:{b.port}",
                     "upstream_status": "200", "bytes": len(body)}


def test_haproxy_httplog_to_syslog_over_udp(proxy, backends):
    b = backends("a")
    syslog = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    syslog.bind(("127.0.0.1", 0))
    syslog.settimeout(5)
    p = proxy(f"""global
  log 127.0.0.1:{syslog.getsockname()[1]} local0
defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind :8080
  default_backend app
backend app
  server s1 127.0.0.1:{b.port}
""", name="haproxy.cfg", keep_access_logs=True)
    status, _, body = request(p.port(), path="/x?y=1")
    assert status == 200
    line = syslog.recv(65536).decode()
    syslog.close()
    # <PRI>Mmm dd HH:MM:SS haproxy[pid]: then HAProxy's httplog fields.
    m = re.match(r'^<134>\w{3} [ \d]\d \d\d:\d\d:\d\d haproxy\[(\d+)\]: 127\.0\.0\.1:\d+ '
                 r'\[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] web app/s1 (\d+)/0/(\d+)/(\d+)/(\d+) 200 (\d+) '
                 r'- - ---- 1/1/0/0/0 0/0 "GET /x\?y=1 HTTP/1\.1"$', line)
    assert m, line
    assert int(m.group(1)) == p.proc.pid
    tr, tc, tresp, ta = (int(m.group(i)) for i in range(2, 6))
    assert 0 <= tc <= tresp <= ta and tr >= 0
    assert int(m.group(6)) > len(body)  # headers and body sent to the client


def test_haproxy_log_stdout_raw(proxy, backends):
    b = backends("a")
    p = proxy(f"""global
  log stdout format raw local0
defaults
  mode http
  log global
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend web
  bind :8080
  default_backend app
backend app
  server s1 127.0.0.1:{b.port}
""", name="haproxy.cfg", keep_access_logs=True)
    assert request(p.port())[0] == 200
    p.stop()
    # HAProxy's default (tcplog-like) format without option httplog, no syslog header.
    assert any(re.match(r"^127\.0\.0\.1:\d+ \[[^\]]+\] web app/s1 0/\d+/\d+ \d+ -- 1/1/0/0/0 0/0$", line)
               for line in p.stdout_lines), p.stdout_lines


def test_caddy_json_access_log(proxy, backends, tmp_path):
    b = backends("a")
    p = proxy(f"""http://:8080 {{
  log {{
    output file {tmp_path}/caddy.log
  }}
  reverse_proxy 127.0.0.1:{b.port}
}}
""", name="Caddyfile", keep_access_logs=True)
    status, _, body = request(p.port(), path="/a?b=\"c\"", host="example.com")
    assert status == 200
    p.stop()
    entry = json.loads((tmp_path / "caddy.log").read_text().splitlines()[0])
    assert entry["level"] == "info" and entry["msg"] == "handled request" and entry["logger"] == "http.log.access"
    assert entry["request"]["uri"] == '/a?b="c"' and entry["request"]["host"] == "example.com"
    assert entry["request"]["proto"] == "HTTP/1.1" and entry["request"]["method"] == "GET"
    assert entry["status"] == 200 and entry["size"] == len(body)
    assert isinstance(entry["ts"], float) and 0 <= entry["duration"] < 5


def test_access_log_override_and_unwritable_destination(proxy, tmp_path):
    conf = """events {}
http { server { listen 8080; access_log /nonexistent-dir/a.log; location / { return 200; } } }"""
    p = proxy(conf)  # the harness sends every log to its own file instead
    assert request(p.port())[0] == 200
    assert len(p.access_log_lines(1)) == 1
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    r = subprocess.run([BINARY, "run", str(path), "--bind", "0.0.0.0:8080=127.0.0.1:0"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 1
    assert r.stderr.endswith(
        f'{path}:2:30: error: cannot open access log "/nonexistent-dir/a.log": No such file or directory\n')
    off = proxy(conf, extra_args=("--access-log", "off"))
    assert request(off.port())[0] == 200
    off.stop()
    assert not os.path.exists(off.access_log) or open(off.access_log).read() == ""


def test_dev_stderr_shares_the_process_stream(proxy):
    # stderr redirected to a file (not opened for appending): the access log must write
    # through the process's own fd 2, or its lines and the process's own messages would
    # overwrite each other.
    p = proxy("""events {}
http { access_log /dev/stderr; server { listen 8080; location / { return 200 "ok"; } } }""",
              keep_access_logs=True)
    for path in ("/one", "/two"):
        assert request(p.port(), path=path)[0] == 200
    assert p.stop() == 0
    lines = p.stderr().splitlines()
    assert [line.split('"')[1] for line in lines if '"GET' in line] == ["GET /one HTTP/1.1", "GET /two HTTP/1.1"]
    assert "proxyglot: SIGTERM received, finishing requests in flight" in lines
