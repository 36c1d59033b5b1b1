#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, from the binaries in $ESCALA_KUBE_ASSETS (the
# envtest convention: a folder holding etcd and kube-apiserver, and kube-controller-manager and
# kube-scheduler when present). escala-kube's control-plane tests start it themselves; run it by
# hand to poke at one:
#
#   ESCALA_KUBE_ASSETS=/path/to/bin scripts/kube-tier.sh start /tmp/kube-tier
#   source /tmp/kube-tier/target.env      # ENDPOINT, CA_DATA, ADMIN_TOKEN, VIEWER_TOKEN
#   scripts/kube-tier.sh stop /tmp/kube-tier
#
# Written to the documented flags of kube-apiserver 1.35 and etcd 3.5/3.6. Two identities, by
# static token: an admin (group system:masters) and a viewer bound to nothing, so that a test
# sees a second identity refused. Nothing listens beyond 127.0.0.1.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1 dir=$2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

stop() {
  for name in kube-scheduler kube-controller-manager kube-apiserver etcd; do
    if [ -f "$dir/$name.pid" ]; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
      rm -f "$dir/$name.pid"
    fi
  done
}

start() {
  : "${ESCALA_KUBE_ASSETS:?names the folder with etcd and kube-apiserver}"
  local bin=$ESCALA_KUBE_ASSETS
  for b in etcd kube-apiserver; do
    [ -x "$bin/$b" ] || { echo "$bin/$b is missing or not executable" >&2; exit 1; }
  done
  mkdir -p "$dir/etcd" "$dir/certs"
  local etcd_port peer_port api_port
  etcd_port=$(free_port) peer_port=$(free_port) api_port=$(free_port)

  "$bin/etcd" --name=escala --data-dir="$dir/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="escala=http://127.0.0.1:$peer_port" --unsafe-no-fsync \
    >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"

  # The service-account signing key, and the two identities' tokens (static token file: token,
  # user, uid, "groups").
  openssl genrsa -out "$dir/certs/sa.key" 2048 2>/dev/null
  local admin viewer
  admin=$(openssl rand -hex 24) viewer=$(openssl rand -hex 24)
  printf '%s,escala-admin,1,"system:masters"\n%s,escala-viewer,2\n' "$admin" "$viewer" >"$dir/certs/tokens.csv"
  chmod 600 "$dir/certs/tokens.csv"

  # With --cert-dir and no serving certificate given, kube-apiserver makes a self-signed one for
  # 127.0.0.1 and localhost, with its CA, in apiserver.crt.
  "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --cert-dir="$dir/certs" --token-auth-file="$dir/certs/tokens.csv" \
    --authorization-mode=RBAC --service-cluster-ip-range=10.0.0.0/24 --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$dir/certs/sa.key" --service-account-signing-key-file="$dir/certs/sa.key" \
    >"$dir/kube-apiserver.log" 2>&1 &
  echo $! >"$dir/kube-apiserver.pid"

  local endpoint="https://127.0.0.1:$api_port"
  for _ in $(seq 1 120); do
    if [ -f "$dir/certs/apiserver.crt" ] &&
      curl -sf --cacert "$dir/certs/apiserver.crt" -H "Authorization: Bearer $admin" "$endpoint/readyz" >/dev/null; then
      break
    fi
    sleep 0.5
  done
  curl -sf --cacert "$dir/certs/apiserver.crt" -H "Authorization: Bearer $admin" "$endpoint/readyz" >/dev/null || {
    echo "kube-apiserver did not become ready; see $dir/kube-apiserver.log" >&2
    stop
    exit 1
  }

  # The controllers a delete needs (the garbage collector removes foreground deletion's
  # finalizer, the namespace controller empties a terminating namespace), when given.
  cat >"$dir/admin.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: tier, cluster: {server: "$endpoint", certificate-authority: "$dir/certs/apiserver.crt"}}]
users: [{name: admin, user: {token: "$admin"}}]
contexts: [{name: tier, context: {cluster: tier, user: admin}}]
current-context: tier
EOF
  chmod 600 "$dir/admin.kubeconfig"
  local controllers=false
  if [ -x "$bin/kube-controller-manager" ]; then
    "$bin/kube-controller-manager" --kubeconfig="$dir/admin.kubeconfig" --bind-address=127.0.0.1 \
      --secure-port=0 --leader-elect=false --use-service-account-credentials=false \
      --controllers='*,-serviceaccount-token' \
      --service-account-private-key-file="$dir/certs/sa.key" \
      >"$dir/kube-controller-manager.log" 2>&1 &
    echo $! >"$dir/kube-controller-manager.pid"
    controllers=true
  fi
  if [ -x "$bin/kube-scheduler" ]; then
    "$bin/kube-scheduler" --kubeconfig="$dir/admin.kubeconfig" --bind-address=127.0.0.1 \
      --secure-port=0 --leader-elect=false >"$dir/kube-scheduler.log" 2>&1 &
    echo $! >"$dir/kube-scheduler.pid"
  fi

  {
    echo "ENDPOINT=$endpoint"
    echo "CA_DATA=$(base64 -w0 "$dir/certs/apiserver.crt")"
    echo "ADMIN_TOKEN=$admin"
    echo "VIEWER_TOKEN=$viewer"
    echo "CONTROLLERS=$controllers"
  } >"$dir/target.env"
  chmod 600 "$dir/target.env"
  echo "control plane at $endpoint (state in $dir)"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
