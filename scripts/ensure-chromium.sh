#!/usr/bin/env bash
# Make a headless Chromium available for the HTML report's browser test (tests/report/test_browser.py).
# Nothing to do when one is on PATH; as root on Debian/Ubuntu, install Debian's `chromium` package;
# otherwise say why not. Never fails: without a browser the browser test skips and says why.
set -u

for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then
    exit 0
  fi
done

say() { echo "ensure-chromium: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
  say "no chromium on PATH and not root, so not installing it; the browser test will be skipped" \
      "(install it with: sudo apt-get install chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "no chromium on PATH and no apt-get here; the browser test will be skipped (install a Chromium yourself)"
  exit 0
fi

say "installing Debian's chromium package (once) ..."
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
  say "installed: $(chromium --version 2>/dev/null)"
else
  say "apt-get could not install chromium (is a Debian mirror reachable?); the browser test will be skipped"
fi
exit 0
