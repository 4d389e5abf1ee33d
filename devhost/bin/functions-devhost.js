#!/usr/bin/env node
// The devhost CLI as built by the repository's `npm run build` (TypeScript in devhost/, output in dist/devhost/).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bin shim, not TypeScript
require('../../dist/devhost/cli.js');
