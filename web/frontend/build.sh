#!/bin/sh
# Bundle the editor and result views into web/static/vendor/ui.js (committed: the app never
# downloads anything at run time). Run from web/frontend after `npm ci`; needs Node.js 20.
set -eu
cd "$(dirname "$0")"
npx esbuild src/main.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
  --outfile=../static/vendor/ui.js
# Record exactly what went in: each bundled package's version and licence text.
node licences.mjs > ../static/vendor/ui.js.LICENSES.txt
ls -l ../static/vendor/
