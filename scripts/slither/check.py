"""Runs slither over the contracts' forge build info and checks what it finds against the triage
file. Called by scripts/slither.sh (which builds the build info and the venv); run it there.

Fails (exit 1) when:

- slither logged an error while parsing (e.g. "Failed to resolve name", "Missing inheritance":
  the signs of a build info that holds a file twice, which make slither drop contracts silently);
- a contract named with --require was not analysed: missing, defined twice, from a dependency,
  without function bodies, or with an unresolved base contract;
- a High or Medium finding in our own code is not accepted by the triage file, or the triage file
  accepts more findings than slither reports (a stale entry: the code changed, update the file).

Triage entries match on (check, location, count), where location is `Contract.function` (or
`Contract.variable`) of the finding's first element. Slither's own triage database
(`slither.db.json`) keys findings by ids that hash byte offsets, so any edit above a finding would
invalidate it; `// slither-disable` comments would hide findings outside the reviewed file, so they
are ignored here (show_ignored_findings). Dependencies (OpenZeppelin under node_modules/) are
excluded: their findings are OpenZeppelin's, in audited, pinned code.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import sys
import time

from slither.detectors import all_detectors
from slither.detectors.abstract_detector import AbstractDetector
from slither.slither import Slither

FAILING_IMPACTS = ("High", "Medium")


class _ErrorCounter(logging.Handler):
    """Remembers every ERROR record any logger emits (slither reports parse failures this way and
    carries on with whatever it could parse)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.name}: {record.getMessage()}")


def _from_dependency(finding: dict) -> bool:
    """Whether every element of the finding lies in a dependency (slither's exclude_dependencies)."""
    elements = finding.get("elements", [])
    return bool(elements) and all(
        e.get("source_mapping", {}).get("is_dependency", False) for e in elements
    )


def _location(finding: dict) -> str:
    """`Contract.member` of the finding's first element with a name and a contract parent."""
    for element in finding.get("elements", []):
        parent = element.get("type_specific_fields", {}).get("parent", {})
        if element.get("type") in ("function", "variable", "event", "modifier", "struct", "enum"):
            if parent.get("type") == "contract":
                return f"{parent['name']}.{element['name']}"
        if element.get("type") == "contract":
            return element["name"]
    return "?"


def _check_required(slither: Slither, names: list[str]) -> list[str]:
    problems = []
    for name in names:
        found = [
            c
            for unit in slither.compilation_units
            for c in unit.contracts
            if c.name == name
        ]
        if len(found) != 1:
            problems.append(f"{name}: analysed {len(found)} times (expected once)")
            continue
        contract = found[0]
        path = contract.source_mapping.filename.relative
        if contract.is_from_dependency() or not path.startswith("src/"):
            problems.append(f"{name}: came from {path}, not from src/")
        implemented = [f for f in contract.functions_declared if f.is_implemented]
        if not implemented:
            problems.append(f"{name}: no function bodies were parsed")
        unresolved = [b for b in contract.immediate_inheritance if not b.functions_and_modifiers]
        if unresolved and not all(b.is_interface for b in unresolved):
            problems.append(
                f"{name}: base contracts without members: {', '.join(b.name for b in unresolved)}"
            )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", required=True, help="the Foundry project (contracts/)")
    parser.add_argument("--out", required=True, help="forge's out dir holding build-info/")
    parser.add_argument("--triage", required=True, help="the triage file (JSON)")
    parser.add_argument("--require", action="append", default=[], help="a contract to analyse")
    parser.add_argument("--report", help="write every finding (slither's JSON) here")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:%(name)s: %(message)s")
    errors = _ErrorCounter()
    logging.getLogger().addHandler(errors)

    with open(args.triage, encoding="utf-8") as f:
        triage = json.load(f)
    accepted = {(e["check"], e["location"]): e for e in triage["accepted"]}

    started = time.monotonic()
    os.chdir(args.project)
    slither = Slither(
        ".",
        foundry_ignore_compile=True,
        foundry_out_directory=args.out,
        # Report what `// slither-disable` comments would hide: triage lives in one file. (This
        # also turns off slither's exclude_dependencies, so dependencies are filtered below.)
        show_ignored_findings=True,
        triage_database=os.devnull,
    )
    detectors = [
        d
        for d in (getattr(all_detectors, n) for n in dir(all_detectors))
        if isinstance(d, type) and issubclass(d, AbstractDetector)
    ]
    for detector in detectors:
        slither.register_detector(detector)
    findings = [
        f
        for per_detector in slither.run_detectors()
        for f in per_detector
        if not _from_dependency(f)
    ]
    elapsed = time.monotonic() - started

    contracts = sorted({c.name for u in slither.compilation_units for c in u.contracts})
    print(
        f"slither: {len(contracts)} contracts, {len(detectors)} detectors, "
        f"{len(findings)} findings outside dependencies, {elapsed:.1f} s"
    )
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump(findings, f, indent=1)

    by_impact = collections.Counter(f["impact"] for f in findings)
    print("  by impact: " + ", ".join(f"{k} {v}" for k, v in sorted(by_impact.items())))

    failures = []
    if errors.messages:
        failures.append(
            "slither could not parse the build cleanly (a file compiled twice under two names?):\n"
            + "\n".join(f"    {m}" for m in errors.messages[:20])
        )
    failures += _check_required(slither, args.require)

    grouped: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for finding in findings:
        if finding["impact"] in FAILING_IMPACTS:
            grouped[(finding["check"], _location(finding))].append(finding)
    for key, group in sorted(grouped.items()):
        entry = accepted.get(key)
        allowed = entry["count"] if entry else 0
        status = "accepted" if len(group) <= allowed else "NOT TRIAGED"
        print(f"  {group[0]['impact']:6} {key[0]} in {key[1]}: {len(group)} ({status})")
        if entry:
            print(f"         triage: {entry['reason']}")
        if len(group) > allowed:
            failures.append(
                f"{len(group)} {group[0]['impact']} finding(s) {key[0]} in {key[1]}, "
                f"{allowed} triaged: fix them, or add them to {args.triage} with the reason:\n"
                + "\n".join(f"    {f['description'].strip()}" for f in group)
            )
    for key, entry in sorted(accepted.items()):
        found = len(grouped.get(key, []))
        if found < entry["count"]:
            failures.append(
                f"{args.triage} accepts {entry['count']} {key[0]} in {key[1]} but slither "
                f"reports {found}: lower the count or remove the entry"
            )

    if failures:
        for failure in failures:
            print(f"error: {failure}", file=sys.stderr)
        return 1
    print(f"slither: no untriaged High/Medium findings; {', '.join(args.require)} analysed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
