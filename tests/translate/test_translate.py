"""`proxyglot translate`, proven on every corpus and seed configuration, to every dialect:

- the translation is accepted by the real tool of the target (real_tools.py);
- `proxyglot diff SOURCE TRANSLATION` finds exactly the differences translate warned
  about (its loss warnings, each counted for the places it stands for), no more and no fewer;
- the number of losses does not grow: losses.json holds each pair's count
  (PROXYGLOT_UPDATE_GOLDENS=1 rewrites it after an improvement);
- the command's contract: stdout, -o written whole or not at all, --strict, bad input.
"""
import glob
import json
import os
import re
import subprocess

import pytest

import real_tools

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../.."))
SHARED = os.path.abspath(os.path.join(ROOT, "../shared"))
BINARY = real_tools.BINARY
TARGETS = ["nginx", "caddy", "haproxy"]
LOSSES_FILE = os.path.join(HERE, "losses.json")
LOSS_WARNING = re.compile(r": warning: (not kept in|changed by|added by) the (nginx|caddy|haproxy) translation: ")
# A loss in many places alike is one warning: "... (the same in 12 more places: lines 40, 52 and more)".
MORE_PLACES = re.compile(r" \(the same in (\d+) more places?(, on this line|: lines? [0-9a-zA-Z_./:, -]*)?\)$")


def places(warning):
    """How many differences a loss warning stands for."""
    m = MORE_PLACES.search(warning)
    return 1 + (int(m.group(1)) if m else 0)


def sources():
    files = []
    for pattern in ("tests/corpus/nginx/*.conf", "tests/corpus/caddy/*.Caddyfile", "tests/corpus/haproxy/*.cfg"):
        files += sorted(glob.glob(os.path.join(ROOT, pattern)))
    for name in ("nginx.conf", "haproxy.cfg", "lb.Caddyfile", "basic.Caddyfile", "paths.Caddyfile"):
        files.append(os.path.join(SHARED, "examples/seed", name))
    return files


def key(source, target):
    rel = os.path.relpath(source, ROOT) if source.startswith(ROOT) else "seed/" + os.path.basename(source)
    return f"{rel} -> {target}"


def translate(*args):
    return subprocess.run([BINARY, "translate", *args], capture_output=True, text=True)


def load_budget():
    if os.path.exists(LOSSES_FILE):
        with open(LOSSES_FILE) as f:
            return json.load(f)
    return {}


BUDGET = load_budget()
MEASURED = {}


@pytest.fixture(scope="module", autouse=True)
def write_budget():
    yield
    if os.environ.get("PROXYGLOT_UPDATE_GOLDENS") and MEASURED:
        merged = dict(BUDGET, **MEASURED)
        with open(LOSSES_FILE, "w") as f:
            json.dump(dict(sorted(merged.items())), f, indent=1)
            f.write("\n")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("source", sources(), ids=lambda p: os.path.relpath(p, ROOT) if p.startswith(ROOT) else "seed/" + os.path.basename(p))
def test_translation_is_valid_and_its_losses_are_exactly_the_differences(source, target, tmp_path):
    out = tmp_path / real_tools.DIALECT_FILE[target]
    r = translate(source, "--to", target, "-o", str(out))
    assert r.returncode == 0, f"translate failed:\n{r.stderr}"
    assert "internal error" not in r.stderr, r.stderr
    text = out.read_text()
    assert text.strip(), "empty translation"

    # The corpus names its files (errorfile, crt) relative to the repository, where its tests run.
    accepted, output = real_tools.validate(target, str(out), cwd=ROOT)
    assert accepted, f"the real {target} rejects the translation:\n{output}\n---\n{text}"

    losses = sum(places(line) for line in r.stderr.splitlines() if LOSS_WARNING.search(line))
    d = subprocess.run([BINARY, "diff", source, str(out)], capture_output=True, text=True)
    assert d.returncode in (0, 1), d.stderr
    if d.returncode == 0:
        differences = 0
    else:
        m = re.search(r"^(\d+) differences?$", d.stdout, re.M)
        assert m, d.stdout + d.stderr
        differences = int(m.group(1))
    assert differences == losses, f"diff says:\n{d.stdout}\ntranslate warned:\n{r.stderr}"

    k = key(source, target)
    MEASURED[k] = losses
    if not os.environ.get("PROXYGLOT_UPDATE_GOLDENS"):
        assert k in BUDGET, f"{k}: no loss budget yet ({losses} now); run with PROXYGLOT_UPDATE_GOLDENS=1"
        assert losses <= BUDGET[k], f"{k}: {losses} losses, budget {BUDGET[k]}:\n{r.stderr}"


SEED_NGINX = os.path.join(SHARED, "examples/seed/nginx.conf")


def test_stdout_when_no_output_file():
    r = translate(SEED_NGINX, "--to", "haproxy")
    assert r.returncode == 0, r.stderr
    assert "backend" in r.stdout and "frontend" in r.stdout


def test_invalid_input_writes_nothing_and_reports_like_check(tmp_path):
    bad = tmp_path / "nginx.conf"
    bad.write_text("events {}\nhttp {\n server {\n  listen 80;\n  proxy_pass_bogus x;\n }\n}\n")
    out = tmp_path / "out.cfg"
    out.write_text("previous\n")
    r = translate(str(bad), "--to", "haproxy", "-o", str(out))
    check = subprocess.run([BINARY, "check", str(bad)], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stderr == check.stderr and f"{bad}:5:" in r.stderr
    assert out.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_strict_turns_losses_into_errors_and_writes_nothing(tmp_path):
    # Open-source nginx has no active health checks: the seed HAProxy config's are lost.
    src = os.path.join(SHARED, "examples/seed/haproxy.cfg")
    out = tmp_path / "nginx.conf"
    lax = translate(src, "--to", "nginx")
    assert lax.returncode == 0 and ": warning: " in lax.stderr
    r = translate(src, "--to", "nginx", "--strict", "-o", str(out))
    assert r.returncode == 1
    assert ": error: " in r.stderr and not out.exists()


def test_usage_errors():
    assert translate(SEED_NGINX).returncode == 2
    assert translate(SEED_NGINX, "--to", "apache").returncode == 2
    assert translate("--to", "caddy").returncode == 2
    missing = translate("/nonexistent/nginx.conf", "--to", "caddy")
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_output_is_deterministic():
    a = translate(SEED_NGINX, "--to", "caddy")
    b = translate(SEED_NGINX, "--to", "caddy")
    assert a.returncode == 0 and a.stdout == b.stdout
