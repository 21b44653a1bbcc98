"""The conformance suite's report: every scenario x target outcome, written to
docs/conformance.md when the whole suite ran."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "harness"))

from targets import ALL_TARGETS, ROOT  # noqa: E402

OUTCOMES = {}  # (scenario, target id) -> "pass" | "fail" | "not in product" | ...


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def pytest_sessionfinish(session, exitstatus):
    from test_conformance import SCENARIOS
    expected = len(SCENARIOS) * len(ALL_TARGETS)
    if len(OUTCOMES) != expected or os.environ.get("PROXYGLOT_NO_REPORT"):
        return  # a filtered run: the report stays as the last full run wrote it
    lines = ["# Conformance report", "",
             "Written by the conformance suite (`conformance/`, run by `scripts/test.sh`): each scenario states",
             "one intent in nginx, Caddyfile and HAProxy form, and the same traffic runs through every target.",
             "Targets: `proxyglot:D` is `proxyglot run` on the scenario's config in dialect D; `D` is the real",
             "product on its own config; `S>D` is the config in dialect S translated by `proxyglot translate`",
             "and run on the real D. *not in product*: the product cannot express the intent (the scenario",
             "says why; a translation into it must warn). *lost (warned)*: the translation cannot keep it and",
             "`proxyglot translate` warns so. *not supported yet*: proxyglot refuses the config with a",
             "diagnostic (targets that need proxyglot to read it).", "",
             "Real products: " + "; ".join([version(["nginx", "-v"]), version(["haproxy", "-v"]),
                                            "caddy " + version(["caddy", "version"])]), ""]
    ids = [t.id for t in ALL_TARGETS]
    lines.append("| scenario | " + " | ".join(f"`{i}`" for i in ids) + " |")
    lines.append("|---|" + "---|" * len(ids))
    for name in SCENARIOS:
        lines.append(f"| {name} | " + " | ".join(OUTCOMES.get((name, i), "?") for i in ids) + " |")
    counts = {}
    for v in OUTCOMES.values():
        counts[v] = counts.get(v, 0) + 1
    lines += ["", "Totals: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())), ""]
    notes = []
    for name, mod in SCENARIOS.items():
        for dialect, why in getattr(mod, "NOT_IN_PRODUCT", {}).items():
            notes.append(f"- {name}, {dialect}: not in product: {why}")
        for target, (needle, why) in getattr(mod, "LOST_IN_TRANSLATION", {}).items():
            notes.append(f"- {name}, {target}: lost in translation (translate warns: \"{needle}\"): {why}")
        for dialect, why in getattr(mod, "PROXYGLOT_LACKS", {}).items():
            notes.append(f"- {name}, {dialect}: not supported yet by proxyglot: {why}")
        for label, why in getattr(mod, "NAMED_DIFFERENCES", {}).items():
            notes.append(f"- {name}: named difference, {label}: {why}")
    if notes:
        lines += ["## Named differences and missing features", ""] + notes + [""]
    with open(os.path.join(ROOT, "docs/conformance.md"), "w") as f:
        f.write("\n".join(lines))
