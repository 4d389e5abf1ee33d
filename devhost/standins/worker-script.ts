/**
 * How to start a worker thread on one of our modules, compiled or not. Built (dist/), the module's `.js` file runs
 * as is. Run from the TypeScript sources (jest, ts-jest), node cannot load the `.ts` file itself, so the worker
 * first installs a require hook that transpiles `.ts` files with the project's typescript (as ts-jest does).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const TRANSPILE_ON_REQUIRE = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const ts = require(workerData.typescript);
const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions['.ts'] = (module, filename) => {
  module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename }).outputText, filename);
};
require(workerData.entry);
`;

/** `entry`: the module's path without extension, e.g. path.join(__dirname, 'cosmos-worker'). */
export function startWorker(entry: string, workerData: Record<string, unknown>, options: Omit<WorkerOptions, 'workerData' | 'eval'> = {}): Worker {
  if (__filename.endsWith('.js')) return new Worker(`${entry}.js`, { ...options, workerData });
  return new Worker(TRANSPILE_ON_REQUIRE, {
    ...options,
    eval: true,
    workerData: { ...workerData, entry: `${entry}.ts`, typescript: require.resolve('typescript') },
  });
}
