#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (Playwright's own browser download cannot be used
# offline). Install it when we can (root with apt-get); otherwise say what to do.
set -euo pipefail
for candidate in "${KIT_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  exit 0
fi
if command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (sudo apt-get install chromium)..."
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Browser tests need Chromium: install it (Debian: apt-get install chromium) or set KIT_CHROMIUM to its path." >&2
exit 0
