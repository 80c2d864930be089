#!/usr/bin/env bash
# Install the Debian packages given as arguments when they are missing and we can (root with apt-get):
# Chromium for the browser tests, Pango and fonts (Liberation Serif 2) for the PDF of the monthly report and
# the urging letter, LibreOffice Writer and Calc (headless) for the tests that open their .docx and print the
# appendices.
set -euo pipefail
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Cài gói hệ thống: ${missing[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "Thiếu gói hệ thống ${missing[*]} và không thể tự cài (cần quyền root và apt-get)." >&2
# In CI everything must run, so a missing package is a failure there.
[ -z "${CI:-}" ] || exit 1
