/**
 * Code and infrastructure meet through app setting names: every name the app gets locally
 * (local.settings.sample.json) must be set in Azure (infra/main.bicep), and the other way round; every setting
 * functions/config.ts reads and every connection or %setting% a trigger names must be set in Azure too.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { bicepSource, blockAfter, readRepoFile, repoRoot, topLevelEntries, topLevelKeys } from '../support/bicep-text';

/** Names that exist on one side only, each for a reason the platform imposes. */
const LOCAL_ONLY = new Set([
  // Flex Consumption rejects this setting; the runtime is set in functionAppConfig (checked below).
  'FUNCTIONS_WORKER_RUNTIME',
]);
/** Set by the platform on every Function App, never by us. */
const PLATFORM_SETTINGS = new Set(['WEBSITE_HOSTNAME']);

function localSettingNames(): string[] {
  const sample = JSON.parse(readRepoFile('local.settings.sample.json')) as { IsEncrypted?: unknown; Values?: Record<string, unknown> };
  expect(sample.IsEncrypted).toBe(false);
  return Object.keys(sample.Values ?? {});
}

const appSettingsBlock = (): string => blockAfter(bicepSource('infra/main.bicep'), 'var appSettings = {');

/**
 * Azure Functions' identity-based connections: the settings `X__accountName`, `X__fullyQualifiedNamespace`, ... in
 * Azure are the same connection `X` that holds a connection string locally.
 */
const connectionName = (name: string): string => name.split('__')[0] ?? name;

/** Setting names config.ts reads: its ALL_CAPS string literals with an underscore (values such as 'S1' have none). */
function configSettingNames(): string[] {
  const source = readRepoFile('functions/config.ts').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
  return [...new Set([...source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g)].map((m) => m[1]!))];
}

/** Connections (`connection: 'X'`) and `%X%` setting references in the function registrations under functions/. */
function triggerSettingNames(): string[] {
  const names = new Set<string>();
  const visit = (dir: string): void => {
    for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (file.endsWith('.ts')) {
        const source = readRepoFile(file);
        for (const m of source.matchAll(/connection:\s*'([A-Za-z_][A-Za-z0-9_]*)'/g)) names.add(m[1]!);
        for (const m of source.matchAll(/'%([A-Za-z_][A-Za-z0-9_]*)%'/g)) names.add(m[1]!);
      }
    }
  };
  visit('functions');
  return [...names];
}

describe('app settings: local.settings.sample.json ↔ infra/main.bicep', () => {
  const local = localSettingNames();
  const azure = topLevelKeys(appSettingsBlock());

  it('reads both lists', () => {
    expect(local.length).toBeGreaterThan(1);
    expect(azure).toContain('COSMOS_ENDPOINT');
  });

  it('sets every local setting in Azure', () => {
    const inAzure = new Set(azure.map(connectionName));
    expect(local.filter((name) => !LOCAL_ONLY.has(name) && !inAzure.has(name))).toEqual([]);
  });

  it('has every Azure setting in the local sample', () => {
    const inLocal = new Set(local);
    expect(azure.filter((name) => !inLocal.has(connectionName(name)))).toEqual([]);
  });

  it('sets every setting functions/config.ts reads', () => {
    const read = configSettingNames();
    expect(read).toEqual(expect.arrayContaining(['COSMOS_ENDPOINT', 'IOTHUB_HOSTNAME', 'APPROVAL_LINK_SECRET']));
    const inAzure = new Set(azure.map(connectionName));
    expect(read.filter((name) => !PLATFORM_SETTINGS.has(name) && !inAzure.has(name))).toEqual([]);
  });

  it('sets every connection and %setting% the triggers name', () => {
    const inAzure = new Set(azure.map(connectionName));
    expect(triggerSettingNames().filter((name) => !inAzure.has(name))).toEqual([]);
  });

  it('reads the telemetry event hub with the managed identity, not a connection string', () => {
    expect(azure).toContain('IOTHUB_EVENTS__fullyQualifiedNamespace');
    expect(azure).not.toContain('IOTHUB_EVENTS');
    expect(azure).toEqual(expect.arrayContaining(['IOTHUB_EVENTS_NAME', 'IOTHUB_EVENTS_CONSUMER_GROUP']));
  });

  it('uses the managed identity for storage and Cosmos, and Key Vault references for the secrets', () => {
    const values = topLevelEntries(appSettingsBlock());
    expect(azure).toContain('AzureWebJobsStorage__accountName');
    expect(values.get('BLOB_CONNECTION_STRING')).toBe("''");
    expect(values.get('COSMOS_KEY')).toBe("''");
    for (const secret of ['APPROVAL_LINK_SECRET', 'TEAMS_WORKFLOW_URL']) {
      expect(values.get(secret)).toMatch(/^empty\(\w+\) \? '' : '@Microsoft\.KeyVault\(VaultName=\$\{names\.keyVault\};SecretName=\$\{secretNames\.\w+\}\)'$/);
    }
  });

  it('keeps the settings operators set after deployment when provisioning again', () => {
    const kept = [...blockAfter(bicepSource('infra/main.bicep'), 'var operatorSettingNames = [').matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(kept).toEqual(expect.arrayContaining(['SIGNING_CERTIFICATE', 'SIGNING_TRUSTED_ROOTS']));
    expect(kept.filter((name) => !azure.includes(name))).toEqual([]);
    expect(bicepSource('infra/modules/app-settings.bicep')).toMatch(/properties: union\(appSettings, kept\)/);
  });

  it('always puts App Service authentication in front of the app (it strips forged principal headers)', () => {
    const auth = bicepSource('infra/modules/app-auth.bicep');
    expect(auth).toMatch(/platform: { enabled: true }/);
    expect(auth).toMatch(/unauthenticatedClientAction: 'AllowAnonymous'/);
    expect(bicepSource('infra/main.bicep')).toMatch(/module auth 'modules\/app-auth\.bicep' = {/);
  });

  it('runs Node 22 on Flex Consumption', () => {
    const values = (JSON.parse(readRepoFile('local.settings.sample.json')) as { Values: Record<string, string> }).Values;
    expect(values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    const functionApp = bicepSource('infra/modules/function-app.bicep');
    expect(functionApp).toMatch(/runtime:\s*{\s*name:\s*'node',\s*version:\s*'22'\s*}/);
    expect(functionApp).toMatch(/sku:\s*{\s*tier:\s*'FlexConsumption'/);
    expect(functionApp).toMatch(/identity:\s*{\s*type:\s*'SystemAssigned'\s*}/);
  });
});
