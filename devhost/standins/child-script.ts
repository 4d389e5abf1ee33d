/**
 * How to run one of our modules as a child process, compiled or not (worker-script.ts does the same for worker
 * threads). Built (dist/), node runs the module's `.js` file. From the TypeScript sources (jest, ts-jest), node cannot
 * load the `.ts` file itself, so the child first installs a require hook that transpiles `.ts` files with the
 * project's typescript. Either way the module sees `process.argv` as `[node, module, ...args]`.
 */
const TRANSPILE_THEN_RUN = `
const fs = require('node:fs');
const [entry, typescript, ...args] = process.argv.slice(1);
const ts = require(typescript);
const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions['.ts'] = (module, filename) => {
  module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename }).outputText, filename);
};
process.argv = [process.argv[0], entry, ...args];
require(entry);
`;

/** Arguments for `spawn(process.execPath, …)`; `entry`: the module's path without extension. */
export function childScriptArgs(entry: string, args: readonly string[]): string[] {
  if (__filename.endsWith('.js')) return [`${entry}.js`, ...args];
  return ['-e', TRANSPILE_THEN_RUN, '--', `${entry}.ts`, require.resolve('typescript'), ...args];
}
