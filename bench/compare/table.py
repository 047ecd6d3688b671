"""Prints bench/compare/run.sh's table from the JSON lines of one run (its directory and the common open-loop rate)."""
import json
import sys
from pathlib import Path

out, rate = Path(sys.argv[1]), sys.argv[2]


def read(server, phase):
    path = out / f"{server}-{phase}.json"
    if not path.exists():
        return {}
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else {}


def cpu_ms_per_message(result):
    cores, throughput = result.get("server_cpu_cores"), result.get("throughput")
    return cores * 1000 / throughput if cores is not None and throughput else None


def fmt(value, unit=""):
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(fmt(v) for v in value) + unit
    return (f"{value:.1f}" if isinstance(value, float) and value < 100 else f"{value:,.0f}") + unit


# (label, value of a server, True when more is better)
rows = [
    ("sustained throughput, msg/s (closed loop)", lambda s: read(s, "max").get("throughput"), True),
    ("server CPU per message at that rate, ms", lambda s: cpu_ms_per_message(read(s, "max")), False),
    (f"send→sync p50 at {rate} msg/s, ms", lambda s: read(s, "rate").get("latency_ms", {}).get("p50"), False),
    (f"send→sync p99 at {rate} msg/s, ms", lambda s: read(s, "rate").get("latency_ms", {}).get("p99"), False),
    (f"server CPU per message at {rate} msg/s, ms", lambda s: cpu_ms_per_message(read(s, "rate")), False),
    ("memory at rest (PSS, with its PostgreSQL), MB", lambda s: read(s, "memory-idle").get("idle_pss_mb"), False),
    ("memory at the end of the load, MB", lambda s: read(s, "memory-end").get("end_pss_mb"), False),
]
def sync_ms(server, which):
    runs = read(server, "initial-sync").get("sync_ms") or []
    if which == "first":
        return runs[0] if runs else None
    rest = sorted(runs[1:])
    return rest[len(rest) // 2] if rest else None


initial = read("lattice", "initial-sync") or read("synapse", "initial-sync")
if initial:
    shape = f"{initial['rooms']} rooms × {initial['members']} members"
    rows += [
        (f"initial lazy /sync, {shape}: first, ms", lambda s: sync_ms(s, "first"), False),
        (f"initial lazy /sync, {shape}: median of the others, ms", lambda s: sync_ms(s, "rest"), False),
        (f"set-up of that ({initial['joins']:,} joins), s", lambda s: read(s, "initial-sync").get("setup_s"), False),
    ]

servers = ["lattice", "synapse"] + (["dendrite"] if (out / "dendrite-max.json").exists() else [])
others = servers[1:]
print("| | " + " | ".join(s.capitalize() for s in servers) + " | "
      + " | ".join(f"Lattice's advantage over {s.capitalize()}" for s in others) + " |")
print("|---" * (len(servers) + len(others) + 1) + "|")
for label, value, more_is_better in rows:
    values = {s: value(s) for s in servers}
    ratios = []
    for other in others:
        lattice, theirs = values["lattice"], values[other]
        ratios.append(f"{(lattice / theirs if more_is_better else theirs / lattice):.1f}×" if lattice and theirs else "—")
    print(f"| {label} | " + " | ".join(fmt(values[s]) for s in servers) + " | " + " | ".join(ratios) + " |")
half = read("lattice", "half")
if half:
    latency = half.get("latency_ms", {})
    print()
    print(f"Lattice at half its own throughput ({half.get('target_rate')} msg/s): send→sync p50 "
          f"{fmt(latency.get('p50'))} ms, p99 {fmt(latency.get('p99'))} ms; server CPU per message "
          f"{fmt(cpu_ms_per_message(half))} ms.")
