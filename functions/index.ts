/**
 * The app's one wiring point (package.json `main`): reads the settings once, builds the adapters and
 * registers every function. Nothing else in the app reads process.env.
 */
import { randomUUID } from 'node:crypto';
import { app, type InvocationContext } from '@azure/functions';
import { rolloutUseCases } from '../application/rollout-use-cases';
import { registerRollouts } from './register-rollouts';
import { approvalLinks } from './register-approval-links';
import { registerHttp } from './register-http';
import { rolloutEngineFor } from './durable-engine';
import { createUpdatesApi } from './http/updates-api';
import { createRolloutsApi } from './http/rollouts-api';
import { createDevicesApi } from './http/devices-api';
import { createReportsApi } from './http/reports-api';
import { createImportRulesApi } from './http/import-rules-api';
import { createGovernanceApi } from './http/governance-api';
import { openApiDocument } from './http/openapi';
import { routes } from './http/routes';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { createBlobHealthProbe } from '../adapters/blob/blob-health-probe';
import { createBlobServiceClient } from '../adapters/blob/blob-service-client';
import { createCosmosClient } from '../adapters/cosmos/cosmos-client';
import { createCosmosHealthProbe } from '../adapters/cosmos/cosmos-health-probe';
import { readAppVersion } from './app-version';
import path from 'node:path';
import { readConfig } from './config';
import { createHealthHandler } from './health';
import { CosmosRolloutStore } from '../adapters/cosmos/rollout-store';
import { CosmosUpdateStore } from '../adapters/cosmos/update-store';
import { createIotHubClients } from '../adapters/iothub/iothub-clients';
import { IotHubFleet } from '../adapters/iothub/iothub-fleet';
import { createPackageUrls } from '../adapters/blob/package-urls';
import type { FleetPort } from '../domain/fleet/fleet-port';
import { CosmosAuditLog, sha256Hex } from '../adapters/cosmos/audit-log';
import { EventGridPublisher } from '../adapters/eventgrid/eventgrid-publisher';
import { LocalEventLog } from '../adapters/eventgrid/local-event-log';
import { lifecycleRecorder } from '../activities/lifecycle';
import { groupRolesFromSetting } from './http/principal';
import { CosmosUsedLinkStore } from '../adapters/cosmos/approval-links';
import { LocalInboxNotifier } from '../adapters/teams/local-inbox-notifier';
import { WebhookNotifier } from '../adapters/teams/webhook-notifier';
import { BlobPackageStore } from '../adapters/blob/package-store';
import { CosmosImportRecordStore, CosmosImportRuleStore, CosmosReleaseCounterStore } from '../adapters/cosmos/import-stores';
import { createDelta, deltaTool } from '../delta';
import { registerImports } from './register-imports';
import { CosmosHealthTelemetryStore } from '../adapters/cosmos/health-telemetry-store';
import { registerTelemetry } from './register-telemetry';
import { createSigning, type Signing } from './signing-setup';
import { createObservability } from '../adapters/appinsights/create-observability';
import { createDashboardHandler } from '../dashboard/server/serve-dashboard';
import { createMeHandler } from './http/me-api';

const config = readConfig(process.env);
// First, so that the clients built below are instrumented (dependency calls). Off when no connection string is set.
const observability = createObservability(config.appInsights.connectionString);
// What is still queued goes out before the host stops the app.
app.hook.appTerminate(() => observability.flush());

// Built only when some connection has no secret configured (in Azure: the Function App's managed identity).
let credential: TokenCredential | undefined;
const identity = (): TokenCredential => (credential ??= new DefaultAzureCredential());

const blobService = createBlobServiceClient(
  'connectionString' in config.blob ? config.blob : { serviceUrl: config.blob.serviceUrl, credential: identity() },
);
const cosmos = createCosmosClient(
  config.cosmos.key !== undefined
    ? { endpoint: config.cosmos.endpoint, key: config.cosmos.key }
    : { endpoint: config.cosmos.endpoint, credential: identity() },
);


const packageStore = new BlobPackageStore(blobService, config.packages.container);

/** Devices through IoT Hub: the same adapter in Azure (managed identity) and locally (the local hub's connection string). */
function createFleet(): FleetPort {
  const { connection, sku, units, quotaShare, clockScale, dispatch } = config.iotHub;
  const clients = createIotHubClients('hostName' in connection ? { hostName: connection.hostName, credential: identity() } : connection);
  // Devices download packages with short-lived read-only URLs (account key locally, user delegation key in Azure).
  const urlFor = createPackageUrls({ service: blobService, containerName: config.packages.container });
  return new IotHubFleet({ clients, sku, units, quotaShare, clockScale, dispatch, urlFor, observability });
}

const database = cosmos.database(config.cosmos.database);
const updates = new CosmosUpdateStore(database);
const audit = new CosmosAuditLog(database);
const localEvents = 'topicEndpoint' in config.events ? undefined : new LocalEventLog(config.events.logFile && path.resolve(config.events.logFile));
const events = 'topicEndpoint' in config.events ? new EventGridPublisher(config.events.topicEndpoint, identity()) : localEvents!;
const lifecycle = lifecycleRecorder({ audit, events, observability });
const access = { groupRoles: groupRolesFromSetting(config.groupRoles) };

const rollouts = new CosmosRolloutStore(database);
const fleet = createFleet();
const now = () => new Date();
/** The use cases of one invocation: they reach the orchestrations through its durable client. */
const useCasesFor = (context: InvocationContext) =>
  rolloutUseCases({ rollouts, updates, fleet, engine: rolloutEngineFor(context), now, newId: () => `ro-${randomUUID()}`, lifecycle });
// Teams cards go to the Workflows webhook in Azure, to a local inbox people can read otherwise.
const localInbox = config.approvals.linkSecret && config.approvals.publicBaseUrl && !config.approvals.teamsWorkflowUrl ? new LocalInboxNotifier() : undefined;
const links = config.approvals.linkSecret && config.approvals.publicBaseUrl
  ? approvalLinks({
      secret: config.approvals.linkSecret,
      usedLinks: new CosmosUsedLinkStore(database),
      notifier: config.approvals.teamsWorkflowUrl ? new WebhookNotifier(config.approvals.teamsWorkflowUrl) : localInbox!,
      approvals: (context) => useCasesFor(context).approvals,
    })
  : undefined;
const approvalCards = links && config.approvals.publicBaseUrl ? { send: links.sendApprovalCards, baseUrl: config.approvals.publicBaseUrl } : undefined;
const health = new CosmosHealthTelemetryStore(database);
registerTelemetry(health);
const rolloutPorts = { rollouts, updates, fleet, health, lifecycle, observability, ...(approvalCards ? { approvalCards } : {}) };
registerRollouts(rolloutPorts);

// Loaded on first use (and again after a failure), so the app starts before signing is set up.
let signing: Promise<Signing> | undefined;
const loadSigning = (): Promise<Signing> =>
  (signing ??= createSigning(config.signing, identity).catch((err: unknown) => {
    signing = undefined;
    throw err;
  }));

const importRules = new CosmosImportRuleStore(database);
const importRecords = new CosmosImportRecordStore(database);
registerImports({
  rules: importRules,
  records: importRecords,
  counters: new CosmosReleaseCounterStore(database),
  packages: packageStore,
  updates,
  deltas: { tool: deltaTool, create: createDelta },
  signing: loadSigning,
  firmwareUploadContainer: config.packages.firmwareUploadContainer,
  startAutomaticRollout: (context) => useCasesFor(context).startAutomaticRollout,
  lifecycle,
  observability,
  now,
});

registerHttp({
  health: createHealthHandler({
    version: readAppVersion(),
    probes: {
      blob: createBlobHealthProbe(blobService),
      cosmos: createCosmosHealthProbe(cosmos, config.cosmos.database),
    },
  }),
  openApi: async () => ({ status: 200, headers: { 'Cache-Control': 'no-store' }, jsonBody: openApiDocument(routes, readAppVersion()) }),
  updates: createUpdatesApi({ updates, now }),
  rollouts: (context) => createRolloutsApi({ rollouts, ...useCasesFor(context) }),
  devices: createDevicesApi({ fleet, health }),
  reports: createReportsApi({ fleet, rollouts, updates, now }),
  imports: createImportRulesApi({ rules: importRules, records: importRecords, now }),
  governance: createGovernanceApi({ audit, hashOf: sha256Hex, signingKeys: async () => (await loadSigning()).signingKeys(now()) }),
  me: createMeHandler({ ...access, signInUrl: config.dashboardSignInUrl }),
  dashboard: createDashboardHandler(path.join(__dirname, '..', 'dashboard', 'web')),
  ...(links ? { approvalLinks: links.api } : {}),
  ...(localEvents ? { localEvents: async (request) => ({ status: 200, jsonBody: localEvents.list({ type: request.query.get('type') ?? undefined, subject: request.query.get('subject') ?? undefined }) }) } : {}),
  ...(localInbox ? { localTeamsInbox: async () => ({ status: 200, jsonBody: localInbox.messages() }) } : {}),
}, access);
