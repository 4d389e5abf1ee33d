// Lint: TypeScript recommended rules plus the dependency rule of the architecture
// (domain/ and orchestrations/ stay pure and deterministic; devhost/ never reaches into the app).
const tseslint = require('typescript-eslint');

const impure = {
  patterns: [
    { group: ['@azure/*', 'azure-*', 'node:*'], message: 'domain/ and orchestrations/ must not do I/O: use a port.' },
    { group: ['../adapters/*', '../functions/*', '../activities/*', '../devhost/*'], message: 'breaks the dependency rule' },
  ],
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
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['domain/**/*.ts', 'orchestrations/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', impure],
      'no-restricted-syntax': ['error', ...nondeterministic],
    },
  },
  {
    // The local IoT Hub is a stand-in of its own: it knows no app. Its virtual devices may run device-side code
    // (device-agent/, delta/), as a real device does.
    files: ['local-iothub/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/functions/**', '**/domain/**', '**/orchestrations/**', '**/activities/**', '**/adapters/**', '**/scripts/**'], message: 'local-iothub/ knows no app' }] }],
    },
  },
  {
    // The device agent runs on devices: device-side code only (the verifier, deltas), never the app, the local
    // stand-ins or an Azure service SDK.
    files: ['device-agent/agent/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/functions/**', '**/domain/**', '**/orchestrations/**', '**/activities/**', '**/adapters/**', '**/local-iothub/**', '**/devhost/**', '**/scripts/**'], message: 'the device agent imports nothing of the app: only device-agent/ and delta/' },
          { group: ['azure-iothub', 'azure-iothub/**', '@azure/*'], message: 'the device agent uses no Azure service SDK: azure-iot-device only' },
        ],
      }],
    },
  },
  {
    files: ['devhost/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../functions/*', '../domain/*', '../orchestrations/*', '../activities/*', '../adapters/*'], message: 'devhost/ knows no app' }] }],
    },
  },
);
