#!/usr/bin/env bash
# Installs every Debian 12 package proxyglot needs to build, test and benchmark.
# Idempotent; run as root. The real proxies are installed for the conformance
# suite and benchmarks only: their system services are kept from starting
# (tests start them as child processes from temp directories).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  antlr4 libantlr4-runtime-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libnghttp2-dev libfmt-dev libpcre2-dev libmimalloc-dev zlib1g-dev
  libgtest-dev googletest
  # fuzzing (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # tests, benchmarks, the real proxies
  python3 python3-pytest time curl wrk nghttp2-client hyperfine openssl util-linux mount
  nginx-light haproxy caddy
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages (${missing[*]}); run as root" >&2
  exit 1
fi

# Keep package scripts from starting nginx/haproxy/caddy as services.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; made_policy=1
fi
trap '[ $made_policy -eq 1 ] && rm -f "$policy"' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
