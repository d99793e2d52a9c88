#!/usr/bin/env bash
# Installs Debian's chromium, the real browser the evidence report is rendered in by its test
# (EvidenceReportTest: screenshot, PDF, console errors) and pdftotext (poppler-utils), which reads the PDF's text. Idempotent: does nothing when a
# chromium binary is already there.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
  echo "chromium is installed: $(chromium --version 2>/dev/null | head -1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing and installing it needs root: apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium poppler-utils
echo "installed: $(chromium --version 2>/dev/null | head -1)"
