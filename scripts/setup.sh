#!/usr/bin/env bash
# Installs the system packages the build links against (OpenSSL headers) and the tools the
# deploy-file tests use. Idempotent and quiet when everything is present already.
set -euo pipefail
need=()
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
dpkg -s pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# Tests/GatewayTests/DeployFilesTests: python3 reads the Kubernetes YAML, systemd-analyze
# verifies the unit file.
command -v python3 >/dev/null 2>&1 || need+=(python3 python3-yaml)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# Tests/NotifyTests/TLSSink makes its test certificates with the openssl tool; the system's
# trusted roots are what https subscribers are checked against by default.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
dpkg -s ca-certificates >/dev/null 2>&1 || need+=(ca-certificates)
# The crash drill (scripts/drill-lib.sh) asks /readyz with curl.
command -v curl >/dev/null 2>&1 || need+=(curl)
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
# PyYAML for whichever python3 is first on PATH (a pyenv python does not see Debian's
# python3-yaml); kubernetes-validate (offline Kubernetes schemas) is optional: without it the
# schema check of deploy/kubernetes is skipped and only the structural checks run.
pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$@" 2>/dev/null ||
    python3 -m pip install --quiet --disable-pip-version-check "$@"
}
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  echo "setup: installing pyyaml"
  pip_install pyyaml || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-yaml; }
fi
if ! python3 -c 'import kubernetes_validate' >/dev/null 2>&1; then
  echo "setup: installing kubernetes-validate"
  pip_install kubernetes-validate || echo "setup: kubernetes-validate not installed; the Kubernetes schema check will be skipped"
fi
