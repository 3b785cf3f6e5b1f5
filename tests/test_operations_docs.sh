#!/usr/bin/env bash
# test_operations_docs.sh BUILD_DIR: docs/operations.md lists every metric a node exports, and the monitoring
# configs (configs/prometheus/*.yml, configs/grafana/tss-dashboard.json) parse and use only metrics that exist.
# Reads /metrics of a one-node cluster (tssctl cluster up) after a sign-less start.
set -euo pipefail
BUILD=$(cd "${1:?usage: test_operations_docs.sh BUILD_DIR}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
TSSCTL=$BUILD/src/programs/tssctl
W=$(mktemp -d "${TMPDIR:-/tmp}/tss-opsdoc.XXXXXX")
cleanup() {
  "$TSSCTL" cluster down --cluster "$W/c" --stop-timeout 5 >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT
"$TSSCTL" cluster up --cluster "$W/c" --nodes 1 --tssd "$BUILD/src/programs/tssd" >/dev/null
python3 - "$W/c/node1.ini" "$W/c/node1.token" "$SRC" <<'EOF'
import json, re, sys, urllib.request
ini, token_file, src = sys.argv[1:]
api = re.search(r"(?ms)^\[api\].*?^listen = (\S+)", open(ini).read()).group(1)
req = urllib.request.Request("http://%s/metrics" % api,
                             headers={"Authorization": "Bearer " + open(token_file).read().strip()})
text = urllib.request.urlopen(req, timeout=10).read().decode()
exported = set(re.findall(r"(?m)^# TYPE (\S+) ", text))
assert len(exported) > 20, "too few metrics: %r" % sorted(exported)
failures = []
doc = open(src + "/docs/operations.md").read()
for m in sorted(exported):
    if "`%s`" % m not in doc:
        failures.append("docs/operations.md does not list the metric %s" % m)

def base(name):
    return re.sub(r"_(bucket|sum|count)$", "", name)

def check_exprs(where, exprs):
    used = set()
    for e in exprs:
        used |= {base(n) for n in re.findall(r"\btss_[a-z0-9_]+", e)}
    for m in sorted(used - exported):
        failures.append("%s uses %s, which no node exports" % (where, m))
    return used

dash = json.load(open(src + "/configs/grafana/tss-dashboard.json"))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
check_exprs("configs/grafana/tss-dashboard.json", exprs)
try:
    import yaml
except ImportError:
    yaml = None
if yaml is not None:
    scrape = yaml.safe_load(open(src + "/configs/prometheus/tss.yml"))
    assert all(j["metrics_path"] == "/metrics" for j in scrape["scrape_configs"])
    rules = yaml.safe_load(open(src + "/configs/prometheus/tss-alerts.yml"))
    alerts = [r for g in rules["groups"] for r in g["rules"]]
    check_exprs("configs/prometheus/tss-alerts.yml", [r["expr"] for r in alerts])
    for r in alerts:
        if r["alert"] not in doc:
            failures.append("docs/operations.md does not describe the alert %s" % r["alert"])
else:
    print("python3-yaml missing: the Prometheus files were not parsed")
for f in failures:
    print("FAIL:", f)
print("%d metrics exported, all documented; %d dashboard queries checked" % (len(exported), len(exprs))
      if not failures else "%d problems" % len(failures))
sys.exit(1 if failures else 0)
EOF
