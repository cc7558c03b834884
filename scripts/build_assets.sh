#!/usr/bin/env bash
# GOV.UK Frontend from the npm registry, built with a system font stack, copied into static/vendor/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/govuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p static/vendor
dist=node_modules/govuk-frontend/dist/govuk
if [ ! -f static/vendor/application.css ] || [ assets/application.scss -nt static/vendor/application.css ] \
   || [ package-lock.json -nt static/vendor/application.css ]; then
  node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps --load-path=node_modules \
    assets/application.scss static/vendor/application.css
fi
cp "$dist/govuk-frontend.min.js" "$dist/govuk-frontend.min.js.map" static/vendor/
rm -rf static/vendor/assets && cp -r "$dist/assets" static/vendor/assets
# GDS Transport is licensed for gov.uk only: never ship it.
rm -rf static/vendor/assets/fonts
