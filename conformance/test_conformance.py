"""One intent, three dialects, every way of running them: each scenario folder holds the
same intent as nginx.conf, Caddyfile and haproxy.cfg (with @PORT@ for the listener and
@A@, @B@... for the backends' ports) and scenario.py, whose traffic(t) replays requests
and states what clients and backends must observe (harness/context.py)."""
import importlib.util
import os
import subprocess

import pytest

from backend import Backend, reserved_port
from conftest import OUTCOMES
from context import Context
from targets import ALL_TARGETS, FILE_NAME, Running, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


def load_scenarios():
    out = {}
    base = os.path.join(HERE, "scenarios")
    for name in sorted(os.listdir(base)):
        path = os.path.join(base, name, "scenario.py")
        if not os.path.exists(path):
            continue
        spec = importlib.util.spec_from_file_location(f"scenario_{name.replace('-', '_')}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        mod.DIR = os.path.dirname(path)
        out[name] = mod
    return out


SCENARIOS = load_scenarios()


def configs_for(mod, port, ports):
    out = {}
    for dialect, file_name in FILE_NAME.items():
        path = os.path.join(mod.DIR, file_name)
        if not os.path.exists(path):
            continue
        text = open(path).read().replace("@PORT@", str(port)).replace("@DIR@", mod.DIR)
        for name, p in ports.items():
            text = text.replace(f"@{name.upper()}@", str(p))
        out[dialect] = text
    return out


# CONFORMANCE_TARGETS=proxyglot:nginx,nginx narrows a run (the report is then not written).
SELECTED = [t for t in ALL_TARGETS
            if not os.environ.get("CONFORMANCE_TARGETS") or t.id in os.environ["CONFORMANCE_TARGETS"].split(",")]


@pytest.mark.parametrize("target", SELECTED, ids=lambda t: t.id)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(name, target):
    mod = SCENARIOS[name]
    key = (name, target.id)
    missing = getattr(mod, "NOT_IN_PRODUCT", {})
    lost = getattr(mod, "LOST_IN_TRANSLATION", {})
    OUTCOMES[key] = "fail"
    for dialect in (target.source, target.runner):
        if dialect in missing:
            assert not os.path.exists(os.path.join(mod.DIR, FILE_NAME[dialect])), \
                f"{name}: says {dialect} lacks the feature, but has a {FILE_NAME[dialect]}"
    if target.source in missing:
        OUTCOMES[key] = "not in product"
        return
    lacks = getattr(mod, "PROXYGLOT_LACKS", {})
    if target.source in lacks and (target.runner == "proxyglot" or target.translated):
        # Not silent: proxyglot must refuse the config with a diagnostic.
        from targets import BINARY
        path = os.path.join(mod.DIR, FILE_NAME[target.source])
        check = subprocess.run([BINARY, "check", path], capture_output=True, text=True)
        assert check.returncode == 1 and "not supported" in check.stderr, check.stderr
        OUTCOMES[key] = "not supported yet"
        return
    backends = {}
    for bname, mode in mod.BACKENDS.items():
        if mode == "refuse":
            backends[bname] = None
        else:
            backends[bname] = Backend(bname, mode=mode)
    ports = {n: (b.port if b else reserved_port()) for n, b in backends.items()}
    port = free_port()
    configs = configs_for(mod, port, ports)
    running = None
    try:
        try:
            running = Running(target, configs, port)
        except RuntimeError as e:
            pytest.fail(f"{name} on {target.id}: did not start: {e}", pytrace=False)
        if target.translated and target.runner in missing:
            assert running.translation_warnings, \
                f"{target.id}: the scenario says {target.runner} lacks this, but translate did not warn"
        if target.translated and target.id in lost:
            # A declared loss names the words translate's warning must contain: the user was told.
            needle, _why = lost[target.id]
            assert any(needle in w for w in running.translation_warnings), \
                f"{target.id}: declared lost ({needle!r}), but no translate warning says so:\n" + \
                "\n".join(running.translation_warnings)
        t = Context(target, running, {n: b for n, b in backends.items() if b})
        t.ports = ports
        mod.traffic(t)
        assert t.checked > 0, f"{name}: traffic() checked nothing"
        if target.translated and (target.runner in missing or target.id in lost):
            OUTCOMES[key] = "not in product" if target.runner in missing else "lost (warned)"
            if not t.failures:
                pytest.fail(f"{target.id}: declared lost, but behaves as intended: remove the declaration")
            return
        if t.failures:
            detail = "\n".join(t.failures)
            extra = ""
            if running.translation is not None:
                extra = "\n  translate warned:\n" + "\n".join("    " + w for w in running.translation_warnings) + \
                        "\n  translation:\n" + running.translation
            pytest.fail(f"{name} on {target.id}:\n{detail}{extra}", pytrace=False)
        OUTCOMES[key] = "pass"
    finally:
        if running:
            running.stop()
        for b in backends.values():
            if b:
                b.stop()
