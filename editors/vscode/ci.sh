#!/usr/bin/env bash
# The VS Code extension in CI: install from package-lock.json, test the grammar (its test
# files, and every shipped rule file without an invalid token), and package the .vsix.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npm run test:grammar
npm run package
ls -l tally-rules.vsix
