#!/usr/bin/env bash
# Stop exactly the processes e2e/cluster-up.sh started (by the PIDs in ${E2E_WORK_DIR:-e2e/.work}/pids),
# in reverse order: simulator (its whole process group: cluster-up started it as a session leader),
# kube-controller-manager, kube-apiserver, etcd. A PID whose process is gone, or now belongs to another program, is skipped.
#
#   e2e/cluster-down.sh           stop; keep pki/ and logs/
#   e2e/cluster-down.sh --purge   stop, then delete the whole work dir
set -uo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
W="${E2E_WORK_DIR:-$E2E_DIR/.work}"
PIDS="$W/pids"
log() { echo "cluster-down: $*" >&2; }

# stop NAME EXPECTED_CMDLINE_SUBSTRING GROUP(0|1)
stop() {
  local name="$1" expect="$2" group="$3" pf="$PIDS/$1.pid" pid i
  [ -s "$pf" ] || return 0
  pid="$(cat "$pf")"
  if ! kill -0 "$pid" 2>/dev/null; then
    if [ "$group" = 1 ] && kill -0 -- "-$pid" 2>/dev/null; then
      log "$name leader ($pid) gone; stopping the rest of its process group"
      kill -TERM -- "-$pid" 2>/dev/null; sleep 1; kill -KILL -- "-$pid" 2>/dev/null
    else log "$name ($pid) not running"; fi
    rm -f "$pf"; return 0
  fi
  if [ "$(cat "/proc/$pid/stat" 2>/dev/null | awk '{print $3}')" = Z ]; then log "$name ($pid) already exited"; rm -f "$pf"; return 0; fi
  if [ -n "$expect" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$expect"; then
    log "$name: pid $pid is no longer $expect; not touching it"; rm -f "$pf"; return 0
  fi
  log "stopping $name ($pid)"
  if [ "$group" = 1 ]; then kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
  else kill -TERM "$pid" 2>/dev/null; fi
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name ($pid) still running after 10s; SIGKILL"
    if [ "$group" = 1 ]; then kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    else kill -KILL "$pid" 2>/dev/null; fi
  fi
  # a process group may outlive its leader: give the rest a moment, then force it
  if [ "$group" = 1 ] && kill -0 -- "-$pid" 2>/dev/null; then sleep 1; kill -KILL -- "-$pid" 2>/dev/null; fi
  rm -f "$pf"
}

[ -d "$PIDS" ] || { log "nothing to stop ($PIDS does not exist)"; exit 0; }
stop simulator "" 1
stop kube-controller-manager kube-controller-manager 0
stop kube-apiserver kube-apiserver 0
stop etcd etcd 0
if [ "${1:-}" = --purge ]; then rm -rf "$W"; log "removed $W"; fi
exit 0
