// The devhost as a library: startHost and its option types (dist/devhost/host.js, built by `npm run build`).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS entry shim, not TypeScript
module.exports = require('../../dist/devhost/host.js');
