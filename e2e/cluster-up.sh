#!/usr/bin/env bash
# Start a throw-away "KubeSphere host" API on loopback: etcd + kube-apiserver + kube-controller-manager
# (garbage collector, namespace and service-account controllers only; no kubelet, no scheduler),
# the KubeSphere CRDs, the catalog fixture and three Cluster objects. See e2e/README.md.
#
#   e2e/cluster-up.sh            start (fails if already running; E2E_REUSE=1 makes it a no-op instead)
#
# Writes (all under ${E2E_WORK_DIR:-e2e/.work}, gitignored):
#   kubeconfig        admin kubeconfig (client certificate in group system:masters, CA embedded)
#   cluster.env       shell-sourceable: KUBECONFIG, E2E_API_SERVER, E2E_BIN_DIR, ports, cert paths
#   pki/              CA, serving cert, admin client cert, service-account key pair (openssl)
#   pids/*.pid        the PIDs this script started (cluster-down.sh stops exactly those)
#   logs/*.log        etcd, kube-apiserver, kube-controller-manager, simulator, fixture loading
#
# Environment:
#   E2E_BIN_DIR         directory with etcd, kube-apiserver, kube-controller-manager (and kubectl);
#                       default: build-tools.sh --tier1
#                       (builds them if missing unless E2E_NO_BUILD=1)
#   E2E_SHARED_DIR      default: $(dirname <repo>)/shared   (CI clones the repo with ../shared beside it)
#   E2E_KUBE_PORT, E2E_ETCD_PORT, E2E_ETCD_PEER_PORT   fixed ports (default: random free loopback ports)
#   E2E_CONTROLLER_MANAGER=0  don't start kube-controller-manager (then foreground deletes never finish)
#   E2E_LOAD_CATALOG=0  skip the catalog fixture (CRDs and Clusters are always created)
#   E2E_SIMULATOR_CMD   hook for the KubeSphere controller simulator: if set, it is run with `bash -c` in the
#                       background, after the fixtures are loaded, with KUBECONFIG exported (and cwd = repo root).
#                       Its PID (a new session, so cluster-down can stop its whole process group) goes to
#                       pids/simulator.pid, output to logs/simulator.log.
#   E2E_SIMULATOR_READY_REGEX  optional: wait (up to 60 s) until logs/simulator.log matches this regex.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$E2E_DIR")"
SHARED="${E2E_SHARED_DIR:-$(dirname "$REPO")/shared}"
W="${E2E_WORK_DIR:-$E2E_DIR/.work}"
PKI="$W/pki" PIDS="$W/pids" LOGS="$W/logs"

log() { echo "cluster-up: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if alive "$PIDS/kube-apiserver.pid" || alive "$PIDS/etcd.pid" || alive "$PIDS/kube-controller-manager.pid"; then
  if [ "${E2E_REUSE:-0}" = 1 ]; then log "already running (E2E_REUSE=1)"; cat "$W/cluster.env"; exit 0; fi
  die "a cluster from $W is already running; run e2e/cluster-down.sh first (or set E2E_REUSE=1)"
fi

[ -d "$SHARED/kubesphere/crds" ] || die "shared dir not found: $SHARED/kubesphere/crds (set E2E_SHARED_DIR)"
command -v openssl >/dev/null || die "openssl not found"
command -v curl >/dev/null || die "curl not found"

# ---- binaries ---------------------------------------------------------------------------------------------
if [ -z "${E2E_BIN_DIR:-}" ]; then
  if [ "${E2E_NO_BUILD:-0}" = 1 ]; then E2E_BIN_DIR="$("$E2E_DIR/build-tools.sh" --tier1 --bin-dir)"
  else E2E_BIN_DIR="$("$E2E_DIR/build-tools.sh" --tier1 | tail -n1)"; fi
fi
for b in etcd kube-apiserver; do [ -x "$E2E_BIN_DIR/$b" ] || die "$E2E_BIN_DIR/$b missing (run e2e/build-tools.sh --tier1)"; done
if [ -x "$E2E_BIN_DIR/kubectl" ]; then KUBECTL="$E2E_BIN_DIR/kubectl"
elif command -v kubectl >/dev/null; then KUBECTL="$(command -v kubectl)"
else die "no kubectl (build it: e2e/build-tools.sh --only kubectl)"; fi

# ---- directories, ports ---------------------------------------------------------------------------------
mkdir -p "$PKI" "$PIDS" "$LOGS"
rm -rf "$W/etcd-data"
: >"$LOGS/etcd.log"; : >"$LOGS/kube-apiserver.log"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
TAKEN=" "
# Ports are picked below the kernel's ephemeral range: a port inside it can be taken, between the pick and
# the bind, as the source port of any outgoing connection (seen: kube-controller-manager "bind: address
# already in use" on a port chosen 1 s earlier while the API server dialled etcd).
EPHEMERAL_LOW=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
PORT_LOW=10000
PORT_SPAN=$(( EPHEMERAL_LOW - PORT_LOW )); [ "$PORT_SPAN" -ge 1000 ] || PORT_SPAN=1000
# free_port VAR: a random loopback port nobody listens on, distinct from the ones already picked by this run
free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$(( PORT_LOW + (RANDOM * 32768 + RANDOM) % PORT_SPAN ))
    case "$TAKEN" in *" $p "*) continue ;; esac
    if ! port_busy "$p"; then TAKEN="$TAKEN$p "; printf -v "$1" '%s' "$p"; return 0; fi
  done
  die "no free port found"
}
if [ -n "${E2E_KUBE_PORT:-}" ]; then KP="$E2E_KUBE_PORT"; TAKEN="$TAKEN$KP "; else free_port KP; fi
if [ -n "${E2E_ETCD_PORT:-}" ]; then EP="$E2E_ETCD_PORT"; TAKEN="$TAKEN$EP "; else free_port EP; fi
if [ -n "${E2E_ETCD_PEER_PORT:-}" ]; then PP="$E2E_ETCD_PEER_PORT"; TAKEN="$TAKEN$PP "; else free_port PP; fi
for p in "$KP" "$EP" "$PP"; do port_busy "$p" && die "port $p already in use"; done

# ---- certificates (generated once per work dir) -------------------------------------------------------------
gen_pki() {
  local d="$PKI" ext
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=kubesphere-ext-e2e-ca" \
    -keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1
  ext="$(mktemp)"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.0.0.1\n' >"$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=kube-apiserver" -keyout "$d/apiserver.key" -out "$d/apiserver.csr" >/dev/null 2>&1
  openssl x509 -req -in "$d/apiserver.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$ext" -out "$d/apiserver.crt" >/dev/null 2>&1
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$ext"
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=system:masters/CN=e2e-admin" -keyout "$d/admin.key" -out "$d/admin.csr" >/dev/null 2>&1
  openssl x509 -req -in "$d/admin.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$ext" -out "$d/admin.crt" >/dev/null 2>&1
  openssl genrsa -out "$d/sa.key" 2048 >/dev/null 2>&1
  openssl rsa -in "$d/sa.key" -pubout -out "$d/sa.pub" >/dev/null 2>&1
  rm -f "$ext" "$d"/*.csr
}
if [ ! -s "$PKI/admin.crt" ] || [ ! -s "$PKI/sa.pub" ]; then log "generating certificates in $PKI"; gen_pki; fi

# ---- cleanup if start-up fails ---------------------------------------------------------------------------
STARTED=()
on_fail() {
  local rc=$?
  [ $rc -eq 0 ] && return
  log "start-up failed (rc=$rc); stopping what this run started"
  for n in "${STARTED[@]}"; do
    local pf="$PIDS/$n.pid"
    if alive "$pf"; then kill -TERM -- "-$(cat "$pf")" 2>/dev/null || kill "$(cat "$pf")" 2>/dev/null || true; fi
    rm -f "$pf"
  done
  for f in etcd kube-apiserver kube-controller-manager; do [ -s "$LOGS/$f.log" ] || continue; echo "--- last lines of $LOGS/$f.log" >&2; tail -n 15 "$LOGS/$f.log" >&2 || true; done
}
trap on_fail EXIT

# Start "$@" in a new session (its own process group) in the background; the process itself writes its
# PID (= its process-group id) to the pidfile before exec, so the PID is right whether or not setsid forks.
spawn() { # NAME LOGFILE CMD...
  local name="$1" logf="$2"; shift 2
  rm -f "$PIDS/$name.pid"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDS/$name.pid" "$@" </dev/null >>"$logf" 2>&1 &
  local i; for i in $(seq 1 100); do [ -s "$PIDS/$name.pid" ] && break; sleep 0.05; done
  [ -s "$PIDS/$name.pid" ] || die "$name did not start"
  STARTED+=("$name")
}

# ---- etcd ------------------------------------------------------------------------------------------------
log "starting etcd on 127.0.0.1:$EP"
spawn etcd "$LOGS/etcd.log" "$E2E_BIN_DIR/etcd" --name e2e --data-dir "$W/etcd-data" \
  --listen-client-urls "http://127.0.0.1:$EP" --advertise-client-urls "http://127.0.0.1:$EP" \
  --listen-peer-urls "http://127.0.0.1:$PP" --initial-advertise-peer-urls "http://127.0.0.1:$PP" \
  --initial-cluster "e2e=http://127.0.0.1:$PP" --initial-cluster-state new \
  --unsafe-no-fsync --log-level warn

t0=$(date +%s)
until curl -sf "http://127.0.0.1:$EP/health" 2>/dev/null | grep -q '"health":"true"'; do
  alive "$PIDS/etcd.pid" || die "etcd exited"
  [ $(( $(date +%s) - t0 )) -lt 30 ] || die "etcd not healthy after 30s"
  sleep 0.3
done

# ---- kube-apiserver ----------------------------------------------------------------------------------------
log "starting kube-apiserver on https://127.0.0.1:$KP"
spawn kube-apiserver "$LOGS/kube-apiserver.log" "$E2E_BIN_DIR/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$EP" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KP" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer="https://127.0.0.1:$KP" \
  --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
  --authorization-mode=RBAC \
  --disable-admission-plugins=ServiceAccount --allow-privileged=true \
  --endpoint-reconciler-type=none --profiling=false \
  --cert-dir="$PKI/generated"

API="https://127.0.0.1:$KP"
CURL=(curl -sS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key")
t0=$(date +%s)
until [ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$API/readyz" 2>/dev/null)" = 200 ]; do
  alive "$PIDS/kube-apiserver.pid" || die "kube-apiserver exited"
  [ $(( $(date +%s) - t0 )) -lt 120 ] || die "kube-apiserver not ready after 120s"
  sleep 0.5
done
log "kube-apiserver ready after $(( $(date +%s) - t0 ))s ($("${CURL[@]}" "$API/version" | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p'))"

# ---- kubeconfig + env file ---------------------------------------------------------------------------------
b64() { base64 -w0 <"$1"; }
cat >"$W/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $API
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: e2e-admin
  user:
    client-certificate-data: $(b64 "$PKI/admin.crt")
    client-key-data: $(b64 "$PKI/admin.key")
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e-admin}
current-context: e2e
EOF
chmod 600 "$W/kubeconfig"
cat >"$W/cluster.env" <<EOF
export KUBECONFIG='$W/kubeconfig'
export E2E_API_SERVER='$API'
export E2E_CLUSTER_API_PORT='$KP'
export E2E_CLUSTER_ETCD_PORT='$EP'
export E2E_BIN_DIR='$E2E_BIN_DIR'
export E2E_KUBECTL='$KUBECTL'
export E2E_CA_CERT='$PKI/ca.crt'
export E2E_CLIENT_CERT='$PKI/admin.crt'
export E2E_CLIENT_KEY='$PKI/admin.key'
EOF
export KUBECONFIG="$W/kubeconfig"
K=("$KUBECTL" --kubeconfig "$W/kubeconfig" --request-timeout=60s)

# ---- CRDs, catalog, clusters -----------------------------------------------------------------------------
: >"$LOGS/fixtures.log"
t0=$(date +%s)
"${K[@]}" apply --server-side --force-conflicts --field-manager=e2e-fixtures -f "$SHARED/kubesphere/crds/" >>"$LOGS/fixtures.log" 2>&1 \
  || { tail -n 20 "$LOGS/fixtures.log" >&2; die "applying CRDs failed"; }
"${K[@]}" wait --for condition=Established --timeout=60s -f "$SHARED/kubesphere/crds/" >>"$LOGS/fixtures.log" 2>&1 \
  || { tail -n 20 "$LOGS/fixtures.log" >&2; die "CRDs not established"; }
# discovery of the new group can lag behind Established for a moment
for _ in $(seq 1 50); do "${K[@]}" get installplans.kubesphere.io >/dev/null 2>&1 && break; sleep 0.2; done
log "CRDs established ($(( $(date +%s) - t0 ))s)"

if [ "${E2E_LOAD_CATALOG:-1}" != 0 ]; then
  t0=$(date +%s)
  # server-side apply: several ExtensionVersions (inline icons) are too large for the client-side
  # last-applied annotation. None of these CRDs has a status subresource, so .status in the fixture
  # (Extension.status.recommendedVersion/versions) is stored with the object by this same write.
  "${K[@]}" apply --server-side --force-conflicts --field-manager=e2e-fixtures -f "$SHARED/kubesphere/catalog/" >>"$LOGS/fixtures.log" 2>&1 \
    || { tail -n 20 "$LOGS/fixtures.log" >&2; die "loading the catalog fixture failed"; }
  log "catalog loaded: $("${K[@]}" get extensions.kubesphere.io -o name | wc -l) Extensions, $("${K[@]}" get extensionversions.kubesphere.io -o name | wc -l) ExtensionVersions, $("${K[@]}" get categories.kubesphere.io -o name | wc -l) Categories, $("${K[@]}" get repositories.kubesphere.io -o name | wc -l) Repositories ($(( $(date +%s) - t0 ))s)"
fi

NOW="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
cluster_obj() { # name role-label-yaml
  cat <<EOF
---
apiVersion: cluster.kubesphere.io/v1alpha1
kind: Cluster
metadata:
  name: $1
  labels:
$2
spec:
  provider: e2e
  connection:
    type: direct
    kubernetesAPIEndpoint: $API
status:
  kubernetesVersion: $("${CURL[@]}" "$API/version" | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p')
  kubeSphereVersion: v4.1.3
  nodeCount: 1
  conditions:
  - type: Ready
    status: "True"
    reason: Ready
    message: Cluster is available now
    lastUpdateTime: "$NOW"
    lastTransitionTime: "$NOW"
EOF
}
{
  cluster_obj host '    cluster-role.kubesphere.io/host: ""
    kubesphere.io/managed: "true"'
  cluster_obj member1 '    cluster-role.kubesphere.io/member: ""
    kubesphere.io/managed: "true"'
  cluster_obj member2 '    cluster-role.kubesphere.io/member: ""
    kubesphere.io/managed: "true"'
} >"$W/clusters.yaml"
"${K[@]}" apply --server-side --force-conflicts --field-manager=e2e-fixtures -f "$W/clusters.yaml" >>"$LOGS/fixtures.log" 2>&1 \
  || { tail -n 20 "$LOGS/fixtures.log" >&2; die "creating Cluster objects failed"; }
log "clusters: $("${K[@]}" get clusters.cluster.kubesphere.io -o name | tr '\n' ' ')"

# ---- kube-controller-manager (garbage collector + namespace + service-account controllers) --------------
# Needed because the pulumi-kubernetes provider deletes with propagationPolicy=Foreground: the API server
# puts a `foregroundDeletion` finalizer on the object and only the garbage collector removes it, so without
# it every `pulumi destroy` waits forever. Started after the CRDs exist, so the garbage collector watches
# them from the start (it rediscovers new resource types only every ~30 s). E2E_CONTROLLER_MANAGER=0 skips it.
if [ "${E2E_CONTROLLER_MANAGER:-1}" != 0 ]; then
  [ -x "$E2E_BIN_DIR/kube-controller-manager" ] || die "$E2E_BIN_DIR/kube-controller-manager missing (run e2e/build-tools.sh --tier1)"
  if [ -n "${E2E_KCM_PORT:-}" ]; then CP="$E2E_KCM_PORT"; else free_port CP; fi
  : >"$LOGS/kube-controller-manager.log"
  log "starting kube-controller-manager (garbagecollector,namespace,serviceaccount,serviceaccount-token)"
  spawn kube-controller-manager "$LOGS/kube-controller-manager.log" "$E2E_BIN_DIR/kube-controller-manager" \
    --kubeconfig="$W/kubeconfig" \
    --leader-elect=false \
    --controllers=garbagecollector,namespace,serviceaccount,serviceaccount-token \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --use-service-account-credentials=false \
    --bind-address=127.0.0.1 --secure-port="$CP" --cert-dir="$PKI/kcm" \
    --profiling=false
  t0=$(date +%s)
  until [ "$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$CP/healthz" 2>/dev/null)" = 200 ]; do
    alive "$PIDS/kube-controller-manager.pid" || die "kube-controller-manager exited"
    [ $(( $(date +%s) - t0 )) -lt 60 ] || die "kube-controller-manager not healthy after 60s"
    sleep 0.5
  done
  log "kube-controller-manager healthy after $(( $(date +%s) - t0 ))s"
  echo "export E2E_CLUSTER_KCM_PORT='$CP'" >>"$W/cluster.env"
fi

# ---- simulator hook ----------------------------------------------------------------------------------------
if [ -n "${E2E_SIMULATOR_CMD:-}" ]; then
  log "starting simulator: $E2E_SIMULATOR_CMD"
  : >"$LOGS/simulator.log"
  (cd "$REPO" && export KUBECONFIG="$W/kubeconfig" E2E_API_SERVER="$API" && spawn simulator "$LOGS/simulator.log" bash -c "$E2E_SIMULATOR_CMD")
  STARTED+=(simulator)
  if [ -n "${E2E_SIMULATOR_READY_REGEX:-}" ]; then
    t0=$(date +%s)
    until grep -Eq "$E2E_SIMULATOR_READY_REGEX" "$LOGS/simulator.log"; do
      alive "$PIDS/simulator.pid" || { tail -n 20 "$LOGS/simulator.log" >&2; die "simulator exited"; }
      [ $(( $(date +%s) - t0 )) -lt 60 ] || die "simulator not ready after 60s"
      sleep 0.3
    done
  fi
  sleep 0.5
  alive "$PIDS/simulator.pid" || { tail -n 20 "$LOGS/simulator.log" >&2; die "simulator exited"; }
  echo "export E2E_SIMULATOR_PID='$(cat "$PIDS/simulator.pid")'" >>"$W/cluster.env"
fi

trap - EXIT
log "up. source $W/cluster.env  (KUBECONFIG=$W/kubeconfig)"
cat "$W/cluster.env"
