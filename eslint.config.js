// Lint: TypeScript recommended rules plus the dependency rule of the architecture. Each top-level folder is one
// element of eslint-plugin-boundaries, so the rule holds for its files at any depth; the README's folder table says
// the same in prose. domain/, orchestrations/ and common/ also stay pure and deterministic.
const tseslint = require('typescript-eslint');
const boundaries = require('eslint-plugin-boundaries');

const app = ['common', 'domain', 'orchestrations', 'application', 'activities', 'adapters', 'functions', 'dashboard', 'delta', 'device-agent'];
const tools = ['cli', 'devhost', 'local-iothub', 'scripts', 'bench', 'reliability'];
const everything = [...app, ...tools, 'test'];
const allBut = (...excluded) => everything.filter((folder) => !excluded.includes(folder));

/** folder → the other folders its files may import (imports inside a folder are always allowed). */
const mayImport = {
  common: [],
  domain: ['common'],
  orchestrations: ['domain', 'common'],
  application: ['domain', 'common'],
  activities: ['domain', 'common'], // and the activity contracts of orchestrations/, below
  adapters: ['domain', 'common'],
  functions: allBut(...tools, 'test'), // the wiring point: the whole app, none of the tools
  dashboard: ['domain', 'common'], // the web UI the app serves: shows what the API answers
  cli: ['domain', 'common'], // an HTTP client of the API: reads its answers with the domain's types
  devhost: ['common'], // a host for any Functions app: knows no app
  'local-iothub': ['device-agent', 'delta', 'common'], // its virtual devices run device-side code, as devices do
  'device-agent': ['delta', 'common'], // runs on devices: never the service
  delta: ['common'],
  scripts: allBut('test'),
  bench: allBut('test'),
  reliability: allBut('test'),
  test: everything,
};

const element = (type, fileInternalPath) => ({ element: fileInternalPath ? { type, fileInternalPath } : { type } });
const policies = [
  ...Object.entries(mayImport).map(([from, to]) => ({ from: element(from), allow: { to: element(to) } })),
  // Activities take and return the types the orchestrations call them with; nothing else of orchestrations/.
  { from: element('activities'), allow: { to: element('orchestrations', ['contracts.ts', 'import-contracts.ts']) } },
  // devhost/ is also an npm package whose bin wrappers (plain JavaScript) load its compiled host from the build
  // output, which a fresh clone does not have yet: matched by what they name, not by where it resolves.
  { from: element('devhost', 'bin/*.js'), allow: { dependency: { source: '../../dist/devhost/*.js' } } },
  // Known breaks, kept to the exact files so nothing new slips in. Remove each when its file moves.
  // The dashboard's server answers errors as the API does (problem+json): that helper belongs where both can reach it.
  { from: element('dashboard', 'server/serve-dashboard.ts'), allow: { to: element('functions', 'http/problem.ts') } },
  // The screenshot tool (npm run screenshot) is a local tool like scripts/: it starts the demo stack.
  { from: element('dashboard', 'tools/screenshot.ts'), allow: { to: element('scripts', 'demo-*.ts') } },
  // The CLI signs in to the local stack with the same principal the scripts use.
  { from: element('cli', 'auth.ts'), allow: { to: element('scripts', 'local-principal.ts') } },
  // Service and device share the signing contract (JWS, key chain, manifest shape) through device-agent/ and
  // domain/: it belongs in common/ (canonical-json.ts and updates/update.ts are already gone once common/ lands).
  {
    from: element('adapters', ['signing/*.ts', 'keyvault/keyvault-signer.ts']),
    allow: { to: element('device-agent', ['canonical-json.ts', 'jws.ts', 'key-chain.ts', 'manifest-shape.ts']) },
  },
  {
    from: element('device-agent', ['json-shape.ts', 'jws.ts', 'key-chain.ts', 'manifest-shape.ts', 'verify-file.ts', 'verify-update.ts']),
    allow: { to: element('domain', ['packages/signing.ts', 'packages/manifest.ts', 'updates/update.ts']) },
  },
];

const impure = {
  patterns: [{ group: ['@azure/*', 'azure-*', 'node:*'], message: 'domain/, orchestrations/ and common/ must not do I/O: use a port.' }],
  paths: ['fs', 'http', 'https', 'crypto', 'os', 'child_process', 'net'].map((name) => ({ name, message: 'no I/O here' })),
};
const nondeterministic = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'use context.df.currentUtcDateTime or an injected clock' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'use context.df.currentUtcDateTime or an injected clock' },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'not deterministic' },
  { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'configuration is read once in functions/' },
];

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test/fixtures/**', 'bench/fixture-app/**', '*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': __dirname,
      'boundaries/elements': everything.map((folder) => ({ type: folder, pattern: folder, partialMatch: false })),
      'import/resolver': { typescript: { project: `${__dirname}/tsconfig.json` } },
    },
    rules: {
      'boundaries/dependencies': ['error', {
        default: 'disallow',
        message: '{{from.type}}/ may not import {{#if to.type}}{{to.type}}/{{else}}a file outside the project folders (or one that does not exist){{/if}}: see "Folders and the dependency rule" in README.md',
        policies,
        // A local import that lands in no folder of the table (or nowhere) is refused too, so none escapes the rule.
        checkUnknownLocals: true,
      }],
      // A new top-level folder needs its line in mayImport above (and in the README's table).
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['domain/**/*.ts', 'orchestrations/**/*.ts', 'common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', impure],
      'no-restricted-syntax': ['error', ...nondeterministic],
    },
  },
  {
    // The device agent runs on devices: azure-iot-device speaks to the hub; the service SDKs are not for devices.
    files: ['device-agent/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['azure-iothub', 'azure-iothub/**', '@azure/*'], message: 'the device agent uses no Azure service SDK: azure-iot-device only' }],
      }],
    },
  },
);
