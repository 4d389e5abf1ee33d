/**
 * Code and infrastructure meet only through app setting names: every name the app gets locally
 * (local.settings.sample.json) must be set in Azure (infra/main.bicep), and the other way round.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** Names that exist on one side only, each for a reason the platform imposes. */
const LOCAL_ONLY = new Set([
  // Flex Consumption rejects this setting; the runtime is set in functionAppConfig (checked below).
  'FUNCTIONS_WORKER_RUNTIME',
]);

function localSettingNames(): string[] {
  const sample = JSON.parse(read('local.settings.sample.json')) as { IsEncrypted?: unknown; Values?: Record<string, unknown> };
  expect(sample.IsEncrypted).toBe(false);
  return Object.keys(sample.Values ?? {});
}

/** Keys of `var appSettings = { ... }` in main.bicep, read at the first nesting level of that object. */
function bicepSettingNames(): string[] {
  const bicep = read('infra/main.bicep').replace(/\/\/.*$/gm, '');
  const start = bicep.indexOf('var appSettings = {');
  expect(start).toBeGreaterThanOrEqual(0);

  const names: string[] = [];
  let depth = 0;
  for (const line of bicep.slice(start).split('\n')) {
    if (depth === 1) {
      const key = /^\s*'?([A-Za-z_][A-Za-z0-9_]*)'?\s*:/.exec(line)?.[1];
      if (key) names.push(key);
    }
    depth += (line.match(/{/g) ?? []).length - (line.match(/}/g) ?? []).length;
    if (depth === 0) break;
  }
  return names;
}

/**
 * Azure Functions' identity-based connections: the settings `X__accountName`, `X__blobServiceUri`, ... in Azure
 * are the same connection `X` that holds a connection string locally.
 */
const connectionName = (name: string): string => name.split('__')[0] ?? name;

describe('app settings: local.settings.sample.json ↔ infra/main.bicep', () => {
  const local = localSettingNames();
  const azure = bicepSettingNames();

  it('reads both lists', () => {
    expect(local.length).toBeGreaterThan(1);
    expect(azure.length).toBeGreaterThan(1);
  });

  it('sets every local setting in Azure', () => {
    const inAzure = new Set(azure.map(connectionName));
    expect(local.filter((name) => !LOCAL_ONLY.has(name) && !inAzure.has(name))).toEqual([]);
  });

  it('has every Azure setting in the local sample', () => {
    const inLocal = new Set(local);
    expect(azure.filter((name) => !inLocal.has(connectionName(name)))).toEqual([]);
  });

  it('runs Node on both sides', () => {
    const values = (JSON.parse(read('local.settings.sample.json')) as { Values: Record<string, string> }).Values;
    expect(values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(read('infra/modules/function-app.bicep')).toMatch(/runtime:\s*{\s*name:\s*'node',\s*version:\s*'22'\s*}/);
  });
});
