#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing and we can (root with apt-get).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài Chromium cho các bài kiểm thử trình duyệt…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Không có /usr/bin/chromium và không thể tự cài (cần quyền root và apt-get)." >&2
# In CI the browser tests must run, so a missing browser is a failure there.
[ -z "${CI:-}" ] || exit 1
