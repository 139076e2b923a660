#!/usr/bin/env bash
# Writes a kubeconfig for the e2e cluster in WORK_DIR with its own client certificate
# (O=system:masters, CN=<name>), signed by the cluster's CA, so the kube-apiserver audit log tells
# this client's requests apart from the admin's (bench/engine: the simulator and the driver).
#
#   bench/engine/client-cert.sh <e2e work dir> <common name> <output kubeconfig>
set -euo pipefail
W="$1" CN="$2" OUT="$3"
[ -s "$W/pki/ca.key" ] && [ -s "$W/kubeconfig" ] || { echo "client-cert: no cluster PKI/kubeconfig in $W" >&2; exit 1; }
SERVER="$(sed -n 's/^ *server: *//p' "$W/kubeconfig" | head -n1)"
D="$W/pki/clients"; mkdir -p "$D"
EXT="$(mktemp)"; trap 'rm -f "$EXT"' EXIT
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$EXT"
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/O=system:masters/CN=$CN" -keyout "$D/$CN.key" -out "$D/$CN.csr" >/dev/null 2>&1
openssl x509 -req -in "$D/$CN.csr" -CA "$W/pki/ca.crt" -CAkey "$W/pki/ca.key" -CAcreateserial -days 30 -sha256 \
  -extfile "$EXT" -out "$D/$CN.crt" >/dev/null 2>&1
b64() { base64 -w0 <"$1"; }
umask 077
cat >"$OUT" <<KC
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: $SERVER
    certificate-authority-data: $(b64 "$W/pki/ca.crt")
users:
- name: $CN
  user:
    client-certificate-data: $(b64 "$D/$CN.crt")
    client-key-data: $(b64 "$D/$CN.key")
contexts:
- name: e2e
  context: {cluster: e2e, user: $CN}
current-context: e2e
KC
