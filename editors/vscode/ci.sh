#!/usr/bin/env bash
# The VS Code extension in CI: install from package-lock.json, test the grammar (its test
# files, and every shipped rule file without an invalid token), and package the .vsix.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null 2>&1; then
  echo "installing Node.js and npm (Debian's packages)"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq nodejs npm >/dev/null
fi
node --version
npm ci --no-audit --no-fund
npm run test:grammar
npm run package
ls -l tally-rules.vsix
