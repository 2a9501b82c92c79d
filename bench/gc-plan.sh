#!/usr/bin/env bash
# bench/gc-plan.sh: time `jvs gc plan` over a repository of many snapshots.
#
# Making 10,000 snapshots with jvs-snapshot takes minutes, so the
# repository is generated directly: for each snapshot a one-file payload
# tree, its manifest, a descriptor whose checksum is computed exactly as
# libjvs does (BLAKE2b-256 of the canonical JSON of every field but
# descriptor_checksum and integrity_state), and the .READY marker. The
# snapshots form one line of history, one an hour, every 24th tagged
# "daily"; the worktree main points at the newest.
#
# Environment:
#   JVS_BIN         directory holding the jvs-* programs (default <repo>/bin)
#   BENCH_SNAPSHOTS number of snapshots (default 10000)
#   BENCH_RUNS      timed runs per command; the best is reported (default 5)
#   BENCH_DIR       where the scratch repository goes (default $TMPDIR or /tmp)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JVS_BIN:-$ROOT/bin}
N=${BENCH_SNAPSHOTS:-10000}
RUNS=${BENCH_RUNS:-5}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}

die() { echo "gc-plan bench: $*" >&2; exit 1; }
for p in jvs-init jvs-gc-plan jvs-verify; do
	[ -x "$BIN/$p" ] || die "$BIN/$p not found; run 'make' first (or set JVS_BIN)"
done
command -v python3 >/dev/null || die "python3 is needed to generate the repository"
case $N$RUNS in *[!0-9]*) die "BENCH_SNAPSHOTS and BENCH_RUNS must be numbers" ;; esac

WORK=$(mktemp -d "$BASE/jvs-gc-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo
"$BIN/jvs-init" "$REPO" >/dev/null

gen_start=$(date +%s.%N)
python3 - "$REPO" "$N" <<'EOF'
import hashlib, json, os, secrets, sys

repo, n = sys.argv[1], int(sys.argv[2])
jvs = os.path.join(repo, ".jvs")

def b2(data):
    return hashlib.blake2b(data, digest_size=32).hexdigest()

def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

def write_json(path, obj):
    with open(path, "w") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")

def rfc3339(ms):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)

start_ms = 1704067200000  # 2024-01-01T00:00:00Z
parent = None
for k in range(n):
    ms = start_ms + k * 3600 * 1000
    sid = "%013d-%s" % (ms, secrets.token_hex(4))
    content = ("snapshot %d\n" % k).encode()
    payload = os.path.join(jvs, "snapshots", sid)
    os.mkdir(payload)
    with open(os.path.join(payload, "data"), "wb") as f:
        f.write(content)
    os.chmod(os.path.join(payload, "data"), 0o644)
    manifest = ("file\tdata\t0644\t%d\t%s\n" % (len(content), b2(content))).encode()
    with open(os.path.join(jvs, "manifests", sid), "wb") as f:
        f.write(manifest)
    d = {
        "snapshot_id": sid,
        "worktree_name": "main",
        "parent_id": parent,
        "created_at": rfc3339(ms),
        "note": "generated %d" % k,
        "tags": ["daily"] if k % 24 == 0 else [],
        "engine": "copy",
        "hash_algorithm": "blake2b-256",
        "payload_root_hash": b2(manifest),
        "file_count": 1,
        "total_bytes": len(content),
        "degraded": [],
    }
    d["descriptor_checksum"] = b2(canonical(d).encode())
    d["integrity_state"] = "verified"
    write_json(os.path.join(jvs, "descriptors", sid + ".json"), d)
    write_json(os.path.join(jvs, "snapshots", sid + ".READY"), {
        "snapshot_id": sid, "created_at": d["created_at"], "engine": "copy",
        "descriptor_checksum": d["descriptor_checksum"],
        "payload_root_hash": d["payload_root_hash"]})
    parent = sid

cfg_path = os.path.join(jvs, "worktrees", "main", "config.json")
cfg = json.load(open(cfg_path))
cfg["base_snapshot_id"] = None
cfg["head_snapshot_id"] = parent
cfg["latest_snapshot_id"] = parent
write_json(cfg_path, cfg)

EOF
gen_end=$(date +%s.%N)
last=$(ls "$REPO/.jvs/descriptors" | sort | tail -n 1)
"$BIN/jvs-verify" -C "$REPO" "${last%.json}" >/dev/null ||
	die "the generated snapshots do not verify"

best() {
	local b= t s e
	for _ in $(seq "$RUNS"); do
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t=$(( (e - s) / 1000000 ))
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}

count() {
	"$BIN/jvs-gc-plan" -C "$REPO" --json "$@" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["candidate_count"])'
}

printf 'generated %s snapshots in %s s\n' "$N" "$(awk -v a="$gen_start" -v b="$gen_end" 'BEGIN { printf "%.1f", b - a }')"
printf '%-62s %8s %11s\n' "command" "best ms" "candidates"
for args in "" "--keep-daily 7 --keep-weekly 4 --keep-monthly 12" \
	"--keep-last 100 --keep-tagged" "--keep-within 30d --json"; do
	# shellcheck disable=SC2086
	ms=$(best "$BIN/jvs-gc-plan" -C "$REPO" $args)
	# shellcheck disable=SC2086
	printf '%-62s %8s %11s\n' "jvs gc plan $args" "$ms" "$(count ${args/--json/})"
done
