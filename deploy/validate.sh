#!/usr/bin/env bash
# Checks what can be checked of deploy/ and src/main/docker without a container engine or a cluster:
#   - Prometheus: promtool check config / check rules / test rules (alerts.test.yml)
#   - Grafana: the dashboard is valid JSON, every panel query is valid PromQL (through promtool)
#   - Compose: every compose file passes `docker compose config` (or docker-compose), and has the
#     services and Redis settings the design needs
#   - Kubernetes: `kubectl kustomize` builds base and overlays (without kubectl, deploy/k8s/
#     mini_kustomize.py renders the subset of kustomize used here), with the
#     expected kinds, probes and non-root security context, and no Secret committed
#   - k6: every script (deploy/k6, units/*/k6) loads in k6-node's init context (deploy/k6/node) with valid scenarios and thresholds, and
#     documents its parameters; k6-node's own tests (deploy/image-test.sh runs the scripts against the container)
#   - Dockerfiles: lint (dockerfile-utils from npm), non-root USER, and with --packaged, that what
#     they COPY exists in target/ (run that after ./mvnw package)
#
# A check whose tool is missing is skipped with a note, or fails when REQUIRE_ALL=1 (.ci/run sets it
# after installing the tools). Exit status: 0 when every check that ran passed.
set -uo pipefail
cd "$(dirname "$0")/.."

PACKAGED=0
[ "${1:-}" = "--packaged" ] && PACKAGED=1
failures=0
passed=0
skipped=0

ok() { echo "validate: ok    $*"; passed=$((passed + 1)); }
bad() { echo "validate: FAIL  $*"; failures=$((failures + 1)); }
skip() {
  if [ "${REQUIRE_ALL:-0}" = 1 ]; then bad "$* (tool missing and REQUIRE_ALL=1)"; else echo "validate: skip  $*"; skipped=$((skipped + 1)); fi
}
run() { # run DESCRIPTION COMMAND...: records ok/FAIL, shows the output on failure
  local what=$1; shift
  local out
  if out=$("$@" 2>&1); then ok "$what"; else bad "$what"; echo "$out" | sed 's/^/    /'; fi
}

# A Python with PyYAML (the image's python3 has it; Debian's python3-yaml serves /usr/bin/python3).
PY=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import yaml' >/dev/null 2>&1; then PY=$candidate; break; fi
done
if [ -z "$PY" ]; then
  echo "validate: FAIL  no python3 with PyYAML (apt-get install python3-yaml)"
  exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- Packaged mode: only what the Dockerfiles copy ------------------------------------------------
if [ "$PACKAGED" = 1 ]; then
  for path in target/quarkus-app/lib target/quarkus-app/app target/quarkus-app/quarkus target/quarkus-app/quarkus-run.jar; do
    if [ -e "$path" ]; then ok "Dockerfile.jvm copies $path"; else bad "Dockerfile.jvm copies $path, which ./mvnw package did not produce"; fi
  done
  if ls target/*-runner >/dev/null 2>&1; then ok "Dockerfile.native copies $(ls target/*-runner)"; fi
  if [ "$failures" = 0 ]; then echo "validate: the packaged build has what the Dockerfiles copy"; fi
  [ "$failures" = 0 ]
  exit
fi

# --- Prometheus ----------------------------------------------------------------------------------
if command -v promtool >/dev/null 2>&1; then
  run "promtool check config deploy/prometheus/prometheus.yml" promtool check config deploy/prometheus/prometheus.yml
  run "promtool check rules deploy/prometheus/alerts.yml" promtool check rules deploy/prometheus/alerts.yml
  run "promtool test rules deploy/prometheus/alerts.test.yml" bash -c 'cd deploy/prometheus && promtool test rules alerts.test.yml'
else
  skip "Prometheus rules (no promtool: apt-get install --no-install-recommends prometheus)"
fi

# --- Grafana dashboard ---------------------------------------------------------------------------
for dashboard in deploy/grafana/dashboards/*.json; do
  if ! "$PY" - "$dashboard" "$TMP/dashboard-rules.yml" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d.get("uid") and d.get("title"), "dashboard needs uid and title"
exprs = []
def walk(panels):
    for p in panels:
        for t in p.get("targets", []):
            exprs.append((p["title"], t["expr"]))
        walk(p.get("panels", []))
walk(d["panels"])
assert exprs, "no queries"
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, (title, e) in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$job", ".*").replace("$instance", ".*")
        out.write(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(e)}\n")
PY
  then
    bad "$dashboard is not a valid dashboard"
  elif command -v promtool >/dev/null 2>&1; then
    run "$dashboard: every query is valid PromQL" promtool check rules "$TMP/dashboard-rules.yml"
  else
    ok "$dashboard parses (PromQL not checked: no promtool)"
  fi
done
run "Grafana provisioning files are YAML" "$PY" -c '
import sys, yaml
for f in sys.argv[1:]:
    yaml.safe_load(open(f))' deploy/grafana/provisioning/*/*.yaml

# --- Compose -------------------------------------------------------------------------------------
compose_cmd=""
if docker compose version >/dev/null 2>&1; then compose_cmd="docker compose"
elif command -v docker-compose >/dev/null 2>&1; then compose_cmd="docker-compose"; fi
for file in deploy/compose.yaml deploy/compose.sentinel.yaml deploy/compose.cluster.yaml; do
  if [ -n "$compose_cmd" ]; then
    # The files commit no password (they refuse to start without one): give the check stand-ins.
    run "$compose_cmd config: $file" env POSTGRES_PASSWORD=validate GRAFANA_ADMIN_PASSWORD=validate \
      JWT_PUBLIC_KEY=validate JWT_ISSUER=validate \
      $compose_cmd -f "$file" config -q
  else
    skip "$file with docker compose (neither docker compose nor docker-compose: apt-get install docker-compose)"
  fi
done
run "compose files have the services and Redis settings of the design" "$PY" - <<'PY'
import yaml
def services(f):
    return yaml.safe_load(open(f))["services"]
s = services("deploy/compose.yaml")
missing = {"app", "postgres", "redis", "prometheus", "grafana"} - s.keys()
assert not missing, f"compose.yaml lacks {missing}"
redis = " ".join(s["redis"]["command"])
for want in ("--appendonly yes", "--appendfsync everysec", "--maxmemory ", "--maxmemory-policy volatile-lru"):
    assert want in redis, f"compose.yaml redis lacks {want}"
assert s["app"]["environment"]["QUARKUS_REDIS_HOSTS"].startswith("redis://redis:")
s = services("deploy/compose.sentinel.yaml")
assert {"redis-primary", "redis-replica", "sentinel-1", "sentinel-2", "sentinel-3", "app"} <= s.keys()
assert s["app"]["environment"]["QUARKUS_REDIS_CLIENT_TYPE"] == "sentinel"
import re
for f in ("deploy/compose.yaml", "deploy/compose.sentinel.yaml", "deploy/compose.cluster.yaml"):
    text = open(f).read()
    values = re.findall(r"(?m)^\s*\w*PASSWORD\w*:\s*(.+)$", text)
    literal = [v for v in values if not re.match(r"\$\{\w+:\?", v.strip())]
    assert not literal, f"{f} commits a password or a default for one: {literal}"
for f in ("deploy/compose.yaml", "deploy/compose.sentinel.yaml", "deploy/compose.cluster.yaml"):
    env = services(f)["app"]["environment"]
    # The token verification key and issuer come from the environment, with no default (docs/security.md).
    for var, source in (("MP_JWT_VERIFY_PUBLICKEY", "JWT_PUBLIC_KEY"), ("MP_JWT_VERIFY_ISSUER", "JWT_ISSUER")):
        assert env.get(var, "").startswith("${" + source + ":?"), f"{f}: app needs {var}: ${{{source}:?...}}"
s = services("deploy/compose.cluster.yaml")
assert {f"redis-node-{i}" for i in range(1, 7)} <= s.keys() and "redis-cluster-init" in s
assert "--cluster create" in " ".join(s["redis-cluster-init"]["command"])
assert s["app"]["environment"]["QUARKUS_REDIS_CLIENT_TYPE"] == "cluster"
PY

# --- Kubernetes ----------------------------------------------------------------------------------
for dir in deploy/k8s/base deploy/k8s/overlays/*; do
  name=$(echo "$dir" | tr '/' '-')
  if command -v kubectl >/dev/null 2>&1; then
    source="kubectl kustomize"
    render=(kubectl kustomize "$dir")
  else
    # No kubectl (not in Debian's current packages): render the subset of kustomize used here.
    source="mini_kustomize.py"
    render=("$PY" deploy/k8s/mini_kustomize.py "$dir")
  fi
  if ! "${render[@]}" >"$TMP/$name.yaml" 2>"$TMP/$name.err"; then
    bad "$source $dir"; sed 's/^/    /' "$TMP/$name.err"; continue
  fi
  run "$dir ($source): kinds, probes, non-root, no Secret" "$PY" - "$TMP/$name.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = {d["kind"] for d in docs}
need = {"Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler"}
assert need <= kinds, f"missing kinds {need - kinds}"
assert "Secret" not in kinds, "a Secret is committed: reference it instead"
dep = next(d for d in docs if d["kind"] == "Deployment")
pod = dep["spec"]["template"]["spec"]
c = pod["containers"][0]
assert c["readinessProbe"]["httpGet"]["path"] == "/q/health/ready"
assert c["livenessProbe"]["httpGet"]["path"] == "/q/health/live"
# Probes and the scrape use the management port, which the Service does not expose.
assert {p["name"]: p["containerPort"] for p in c["ports"]}.get("management") == 9000
for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
    assert c[probe]["httpGet"]["port"] == "management", probe
assert dep["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == "9000"
svc = next(d for d in docs if d["kind"] == "Service")
assert all(p["targetPort"] != "management" and p.get("port") != 9000 for p in svc["spec"]["ports"])
assert c["resources"]["requests"] and c["resources"]["limits"]
assert pod["securityContext"]["runAsNonRoot"] is True
assert c["securityContext"]["readOnlyRootFilesystem"] is True
refs = [e["valueFrom"]["secretKeyRef"]["name"] for e in c.get("env", []) if "valueFrom" in e]
assert refs, "database credentials must come from a Secret reference"
# The bearer tokens' verification key: a file from a Secret, named by MP_JWT_VERIFY_PUBLICKEY_LOCATION, and the issuer.
config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
location = config.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "")
mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
secrets = {v["name"]: v["secret"]["secretName"] for v in pod.get("volumes", []) if "secret" in v}
assert any(location.startswith(mounts.get(name, "//") + "/") for name in secrets), \
    f"MP_JWT_VERIFY_PUBLICKEY_LOCATION ({location!r}) must be a file of a mounted Secret"
assert "MP_JWT_VERIFY_ISSUER" in config or any(e["name"] == "MP_JWT_VERIFY_ISSUER" for e in c.get("env", [])), \
    "MP_JWT_VERIFY_ISSUER must be set"
PY
done

# --- k6 ------------------------------------------------------------------------------------------
# Without a service: each script loads in k6-node's init context (k6's modules, real ones, not stand-ins), its
# scenarios name exported functions and its thresholds name known metrics with valid aggregations; its header documents
# BASE_URL, its parameters and its thresholds; k6-node's own tests pass. deploy/image-test.sh runs the scripts live.
if command -v node >/dev/null 2>&1; then
  # The service's scripts and each unit's; a module without options (lib.js, a unit's helpers) is not a script.
  for script in $(grep -l '^export const options' deploy/k6/*.js units/*/k6/*.js 2>/dev/null); do
    header=$(grep '^//' "$script")
    if ! grep -qE 'BASE_URL|MANAGEMENT_URL' <<<"$header" || ! grep -q Parameters <<<"$header" || ! grep -q Thresholds <<<"$header"; then
      bad "$script: its header must document where it sends requests (BASE_URL), its Parameters and its Thresholds"
    fi
    run "k6-node inspect $script" node deploy/k6/node/k6.mjs inspect "$script"
  done
  run "k6-node's tests (node --test deploy/k6/node)" node --test deploy/k6/node/
else
  skip "k6 scripts (no node)"
fi

# --- Dockerfiles ---------------------------------------------------------------------------------
for f in src/main/docker/Dockerfile.*; do
  user=$(grep -E '^USER ' "$f" | tail -1 | awk '{print $2}')
  if [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ]; then ok "$f runs as USER $user"; else bad "$f must end with a non-root USER"; fi
  if head -3 "$f" | grep -q '^#' && grep -q 'docker build' "$f" && grep -q 'docker run' "$f"; then
    ok "$f starts with its build and run commands"
  else
    bad "$f must start with a comment giving its build and run commands"
  fi
done
DFU_DIR=${DOCKERFILE_UTILS_DIR:-$HOME/.cache/cache-patterns/dockerfile-utils}
if [ ! -x "$DFU_DIR/node_modules/.bin/dockerfile-utils" ] && command -v npm >/dev/null 2>&1; then
  mkdir -p "$DFU_DIR"
  npm install --prefix "$DFU_DIR" --silent --no-audit --no-fund dockerfile-utils@0.16.3 >/dev/null 2>&1 || true
fi
if [ -x "$DFU_DIR/node_modules/.bin/dockerfile-utils" ]; then
  for f in src/main/docker/Dockerfile.*; do
    run "dockerfile-utils lint $f" "$DFU_DIR/node_modules/.bin/dockerfile-utils" lint "$f"
  done
else
  skip "Dockerfile lint (dockerfile-utils from npm not installable)"
fi

echo "validate: $passed passed, $failures failed, $skipped skipped"
[ "$failures" = 0 ]
