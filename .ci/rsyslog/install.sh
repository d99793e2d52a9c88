#!/usr/bin/env bash
# Installs rsyslog with TLS (GnuTLS driver) from Debian's packages, for the SIEM forwarder's tests
# (SyslogForwarderRsyslogTest), and openssl, which makes the test's certificates. Idempotent: does nothing when rsyslogd and its TLS driver are there.
set -euo pipefail

if command -v rsyslogd >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 \
    && ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; then
  echo "rsyslog with TLS is installed: $(rsyslogd -v | head -1)"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "rsyslog is missing and installing it needs root: apt-get install -y rsyslog rsyslog-gnutls" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends rsyslog rsyslog-gnutls openssl
# The package's own service is not wanted: the tests start rsyslogd themselves, on loopback.
if command -v service >/dev/null 2>&1; then service rsyslog stop >/dev/null 2>&1 || true; fi
echo "installed: $(rsyslogd -v | head -1)"
