#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for Catga's tests: nats-server and redis-server (the tests start their
# own server processes on free loopback ports), clang + zlib1g-dev (Native AOT linking) and chromium + chromium-driver
# (the dashboard's browser test), unzip (the package smoke test). Does nothing when all are present.
set -euo pipefail
missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v clang >/dev/null 2>&1 || missing+=(clang)
dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
# The package smoke test lists what each .nupkg holds.
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
# The dashboard's browser test drives Debian's headless chromium through its chromedriver.
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing: ${missing[*]}"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts the packaged services on install; the tests never use them, so stop them to free the default ports.
for service in redis-server nats-server; do
  $sudo_cmd systemctl stop "$service" >/dev/null 2>&1 || $sudo_cmd service "$service" stop >/dev/null 2>&1 || true
done
