/** Loads a Functions v4 Node app the way the worker does: package.json `main` (globs allowed). */
import Module from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';

const coreModulePath = require.resolve('./functions-core');

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
let hooked = false;

/** Makes `require('@azure/functions-core')` resolve to the devhost's implementation, from any app folder. */
export function provideFunctionsCore(): void {
  if (hooked) return;
  hooked = true;
  const moduleWithResolve = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = moduleWithResolve._resolveFilename;
  moduleWithResolve._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === '@azure/functions-core') return coreModulePath;
    return original.call(this, request, ...rest);
  };
}

export interface AppFolder {
  dir: string;
  entryFiles: string[];
  hostJson: Record<string, unknown>;
  /** `Values` of local.settings.json, if the app has one. */
  localSettings: Record<string, string>;
  /** local.settings.json `Host.LocalHttpPort`: the port when none is given, as with Core Tools. */
  localHttpPort?: number;
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

export function describeApp(appDir: string): AppFolder {
  const dir = path.resolve(appDir);
  const pkg = readJson(path.join(dir, 'package.json'));
  if (!pkg) throw new Error(`No package.json in ${dir}: not a Functions v4 Node app folder.`);
  const main = typeof pkg.main === 'string' ? pkg.main : 'index.js';
  const entryFiles = fg.sync(main.replace(/\\/g, '/'), { cwd: dir, absolute: true, onlyFiles: true }).sort();
  if (entryFiles.length === 0) {
    throw new Error(`package.json "main" (${main}) matches no file in ${dir}. Build the app first?`);
  }
  const settings = readJson(path.join(dir, 'local.settings.json'));
  const values = (settings?.Values ?? {}) as Record<string, string>;
  const port = Number((settings?.Host as { LocalHttpPort?: unknown } | undefined)?.LocalHttpPort);
  const localHttpPort = Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  return { dir, entryFiles, hostJson: readJson(path.join(dir, 'host.json')) ?? {}, localSettings: values, localHttpPort };
}

/** Requires every entry file (their top-level `app.*` calls register the functions). */
export async function loadApp(app: AppFolder): Promise<void> {
  provideFunctionsCore();
  for (const file of app.entryFiles) await importNative(pathToFileURL(file).href);
}

// A real import() (TypeScript would compile a literal one to require), so ESM apps load as well as CommonJS ones.
const importNative = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;
