/**
 * What the code needs from Azure exists in infra/: every Cosmos container with the partition key the code uses,
 * every role the managed identity needs for the calls the adapters make, and the telemetry names the operations
 * workbook and alerts read.
 */
import { lifecycleTelemetry } from '../../activities/lifecycle-telemetry';
import type { AuditAction } from '../../domain/audit/audit-entry';
import { containers } from '../../adapters/cosmos/containers';
import { bicepSource, blockAfter, readRepoFile, topLevelEntries } from '../support/bicep-text';

/** Cosmos containers in infra/modules/cosmos.bicep: `{ name: 'x', partitionKeyPath: '/y' }` entries. */
function bicepContainers(): Map<string, string> {
  const list = blockAfter(bicepSource('infra/modules/cosmos.bicep'), 'var containers = [');
  return new Map([...list.matchAll(/{\s*name:\s*'([^']+)',\s*partitionKeyPath:\s*'([^']+)'\s*}/g)].map((m) => [m[1]!, m[2]!]));
}

describe('Cosmos containers: adapters/cosmos/containers.ts ↔ infra/modules/cosmos.bicep', () => {
  const inBicep = bicepContainers();
  // The integrator adds deviceHealth and rejectedMessages to containers.ts; the Bicep has them already.
  const expected = new Map<string, string>([
    ...Object.values(containers).map((c): [string, string] => [c.id, c.partitionKeyPath]),
    ['deviceHealth', '/id'],
    ['rejectedMessages', '/id'],
  ]);

  it.each([...expected])('creates %s with partition key %s', (id, partitionKeyPath) => {
    expect(inBicep.get(id)).toBe(partitionKeyPath);
  });

  it('creates no container the code does not use', () => {
    expect([...inBicep.keys()].filter((id) => !expected.has(id))).toEqual([]);
  });
});

describe('roles of the Function App identity (infra/modules/role-assignments.bicep)', () => {
  const source = bicepSource('infra/modules/role-assignments.bicep');
  const roleIds = new Map([...topLevelEntries(blockAfter(source, 'var role = {'))].map(([key, value]) => [key, value.replace(/'/g, '')]));
  /** Built-in role ids (learn.microsoft.com, "Azure built-in roles"), by what the code does with them. */
  const needed: [string, string, RegExp][] = [
    ['storageBlobDataOwner', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b', /storageRoles = \[[^\]]*role\.storageBlobDataOwner/],
    ['storageQueueDataContributor', '974c5e8b-45b9-4653-ba55-5f855dd0fb88', /storageRoles = \[[^\]]*role\.storageQueueDataContributor/],
    ['storageTableDataContributor', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3', /storageRoles = \[[^\]]*role\.storageTableDataContributor/],
    ['keyVaultCryptoUser', '12338af0-0e69-4776-bea7-57ae8d297424', /scope: vault\s+properties: {\s+roleDefinitionId: [^\n]*role\.keyVaultCryptoUser/],
    ['keyVaultSecretsUser', '4633458b-17de-408a-b874-0445c86b69e6', /scope: secrets\[i\]\s+properties: {\s+roleDefinitionId: [^\n]*role\.keyVaultSecretsUser/],
    ['iotHubTwinContributor', '494bdba2-168f-4f31-a0a1-191d2f7c028c', /iotHubRoles = [^\n]*\[ role\.iotHubTwinContributor \]$/m],
    ['iotHubDataContributor', '4fc6c259-987e-4a07-842e-c321cc9d413f', /iotHubDispatchMode == 'job' \? \[ role\.iotHubTwinContributor, role\.iotHubDataContributor \]/],
    ['eventHubsDataReceiver', 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde', /scope: healthEvents\s+properties: {\s+roleDefinitionId: [^\n]*role\.eventHubsDataReceiver/],
    ['eventGridDataSender', 'd5a91429-5739-47e2-a06b-3470a27159e7', /scope: lifecycleTopic\s+properties: {\s+roleDefinitionId: [^\n]*role\.eventGridDataSender/],
  ];

  it.each(needed)('assigns %s (%s) where the code uses it', (key, id, assignment) => {
    expect(roleIds.get(key)).toBe(id);
    expect(source).toMatch(assignment);
  });

  it('grants Cosmos DB Built-in Data Contributor through Cosmos (data-plane RBAC)', () => {
    expect(source).toMatch(/sqlRoleAssignments@[\d-]+' = {[\s\S]*?sqlRoleDefinitions\/\$\{cosmosDataContributor\}/);
    expect(source).toMatch(/var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'/);
  });

  it('lets IoT Hub send health messages to the event hub with its identity', () => {
    const eventHubs = bicepSource('infra/modules/event-hubs.bicep');
    expect(eventHubs).toMatch(/var eventHubsDataSender = '2b629674-e913-4c01-ae53-ef4638d8f975'/);
    expect(eventHubs).toMatch(/scope: hub\s+properties: {\s+roleDefinitionId: [^\n]*eventHubsDataSender\)\s+principalId: hubIdentity\.properties\.principalId/);
    expect(bicepSource('infra/modules/iot-hub.bicep')).toMatch(/authenticationType: 'identityBased'/);
  });
});

describe('operations: workbook and alerts read the names the app emits', () => {
  const names = bicepSource('infra/modules/operations/telemetry-names.bicep');
  const metricNames = [...blockAfter(names, 'var otaMetrics = {').matchAll(/'(ota\.[a-z.-]+)'/g)].map((m) => m[1]!);
  const workbook = readRepoFile('infra/modules/operations/workbook.json');

  it('lists every metric the workbook shows', () => {
    expect(metricNames).toEqual(expect.arrayContaining(['ota.devices.dispatched', 'ota.hub.throttled', 'ota.rollback.latency', 'ota.import.duration']));
    expect(metricNames.filter((name) => !workbook.includes(`'${name}'`))).toEqual([]);
  });

  it('is a workbook with a rollout filter and a section for rollouts, waves, health and throttles', () => {
    const parsed = JSON.parse(workbook) as { version: string; items: { name: string }[] };
    expect(parsed.version).toBe('Notebook/1.0');
    expect(parsed.items.map((item) => item.name)).toEqual(expect.arrayContaining(['parameters', 'rollouts', 'waves', 'health', 'dispatch-rate', 'circuit']));
    expect(workbook).toContain("rolloutId == '{RolloutId}'");
  });

  it('alerts on rollback started, stalled rollouts, failed imports and an open circuit breaker', () => {
    const alerts = bicepSource('infra/modules/operations/alerts.bicep');
    for (const rule of ['rollback-started', 'rollout-stalled', 'import-failed', 'iothub-circuit-open']) expect(alerts).toContain(`name: '${rule}'`);
    // The names alerts react to are the ones the app sends (activities/lifecycle-telemetry.ts).
    const appName = (action: AuditAction) => lifecycleTelemetry({ stepId: 's', action, eventType: 'Contoso.Ota.RolloutStatusChanged', subject: 'rollouts/r-1', actor: 'system', at: '2026-01-01T00:00:00Z', details: {} }).name;
    expect(names).toContain(`rollbackStarted: '${appName('rollback.started')}'`);
    for (const action of ['rollout.completed', 'rollback.verified', 'rollout.cancelled', 'rollout.failed', 'rollout.rejected', 'rollout.paused'] as const) {
      expect(names).toContain(`'${appName(action)}'`);
    }
    expect(names).toMatch(/circuitOpen: 'ota\.iothub\.circuit-open'/);
    expect(alerts).toMatch(/timestamp < ago\(\$\{rolloutStallMinutes\}m\)/);
  });
});

describe('azd: infra/main.parameters.json ↔ infra/main.bicep', () => {
  const params = new Map([...bicepSource('infra/main.bicep').matchAll(/^param (\w+) [^\n=]+?(=.*)?$/gm)].map((m) => [m[1]!, m[2] !== undefined]));
  const mapped = Object.keys((JSON.parse(readRepoFile('infra/main.parameters.json')) as { parameters: Record<string, unknown> }).parameters);

  it('maps only parameters main.bicep declares', () => {
    expect(params.size).toBeGreaterThan(5);
    expect(mapped.filter((name) => !params.has(name))).toEqual([]);
  });

  it('maps every parameter without a default, so azd never prompts mid-deploy', () => {
    expect([...params].filter(([name, hasDefault]) => !hasDefault && !mapped.includes(name)).map(([name]) => name)).toEqual([]);
  });

  it('turns the Event Grid subscriptions on after the first deploy (azure.yaml postdeploy hook)', () => {
    expect(readRepoFile('infra/main.parameters.json')).toContain('"subscribeToEvents": { "value": "${OTA_SUBSCRIBE_EVENTS=false}" }');
    expect(readRepoFile('azure.yaml')).toMatch(/postdeploy:[\s\S]*azd env set OTA_SUBSCRIBE_EVENTS true && azd provision --no-prompt/);
  });
});

describe('Entra app registration (infra/entra/)', () => {
  it('defines exactly the app roles the access matrix uses', async () => {
    const { roles } = await import('../../domain/access/roles');
    const defined = (JSON.parse(readRepoFile('infra/entra/app-roles.json')) as { value: string; id: string }[]);
    expect(defined.map((role) => role.value).sort()).toEqual([...roles].sort());
    expect(new Set(defined.map((role) => role.id)).size).toBe(defined.length);
  });

  it('pre-authorizes the Azure CLI for the scope it exposes', () => {
    const scope = JSON.parse(readRepoFile('infra/entra/api-scope.json')) as { api: { oauth2PermissionScopes: { id: string }[] } };
    const preauthorized = JSON.parse(readRepoFile('infra/entra/api-preauthorize-azure-cli.json')) as { api: { preAuthorizedApplications: { delegatedPermissionIds: string[] }[] } };
    expect(preauthorized.api.preAuthorizedApplications[0]?.delegatedPermissionIds).toEqual([scope.api.oauth2PermissionScopes[0]?.id]);
  });
});
