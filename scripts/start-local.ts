/**
 * `npm start`: the whole service on this machine with nothing but npm — Azurite, the Cosmos stand-in, the local
 * IoT Hub (with virtual devices) and the local Functions host running the app — until Ctrl-C.
 *
 *   node dist/scripts/start-local.js [--port 7071] [--data <dir>] [--fleet <profile.json>] [--time-scale N] [--time-skip]
 *                                    [--iothub-sku S1|S2|S3] [--iothub-units N]
 *                                    [--iothub-quota <class>=<per second>,...] [--fault-proxies]
 *
 * With --data, blobs, durable task hub state, Cosmos data and the hub's devices and twins survive restarts,
 * `kill -9` included. Without --fleet (the built-in demo fleet) the demo update is stored before the Functions host
 * opens its port, so the first 200 of /api/health means a rollout of it can be created.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { BlobServiceClient } from '@azure/storage-blob';
import { startHost } from '../devhost/host';
import { startAzurite } from '../devhost/standins/azurite';
import { startAzuriteOnKeptPort } from '../devhost/standins/azurite-kept-port';
import { startCosmos } from '../devhost/standins/cosmos';
import { startLocalIotHub } from '../local-iothub';
import { demoProfilePath } from '../local-iothub/virtual-devices/fleet-profile';
import { ensureLocalKeys } from '../adapters/signing/local-keys';
import { demoUpdateId, storeDemoUpdate } from './demo-update';
import { findRepoRoot, readLocalSettings } from './local-settings';
import { provisionLocal, provisionLocalBlobs } from './provision-local';
import { useStackTempDir } from './stack-temp';
import { startFaultControl, startFaultProxy } from './fault-proxy';
import type { QuotaClass } from '../local-iothub';

interface Options {
  port: number;
  data?: string;
  fleet?: string;
  timeScale: number;
  timeSkip: boolean;
  iothubSku: 'S1' | 'S2' | 'S3';
  iothubUnits: number;
  iothubQuotaShare?: number;
  iothubQuota?: Partial<Record<QuotaClass, number>>;
  faultProxies: boolean;
}

interface Stop {
  what: string;
  stop: () => Promise<void>;
}

/** Each stop step gets this long before the next one starts; a busy host must not hold the rest up. */
const STEP_TIMEOUT_MS = 2_500;
/** Past this after a signal, the process exits regardless (Azurite is killed and temp folders removed on exit). */
const SHUTDOWN_DEADLINE_MS = 7_000;

/** Resolves when `stop` has finished or after `ms`, whichever comes first, saying which. */
async function bounded(step: Stop, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); });
  try {
    const outcome = await Promise.race([step.stop().then(() => 'stopped' as const), timedOut]);
    if (outcome === 'timeout') console.error(`stopping ${step.what}: still busy after ${ms} ms, going on`);
  } catch (err) {
    console.error(`stopping ${step.what} failed:`, err);
  } finally {
    clearTimeout(timer);
  }
}

/** A random link-signing secret, kept under <data>/keys when there is a data folder. */
function localLinkSecret(dataDir: string | undefined): string {
  const file = dataDir && path.join(dataDir, 'keys', 'approval-link-secret');
  if (file && fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
  }
  return secret;
}

function parseScale(value: string): number {
  const scale = Number(value);
  if (!Number.isFinite(scale) || scale <= 0) throw new InvalidArgumentError('must be a positive number');
  return scale;
}

function parseSku(value: string): 'S1' | 'S2' | 'S3' {
  if (value === 'S1' || value === 'S2' || value === 'S3') return value;
  throw new InvalidArgumentError('must be S1, S2 or S3');
}

function parseShare(value: string): number {
  const share = Number(value);
  if (!(share > 0 && share <= 1)) throw new InvalidArgumentError('must be a number above 0 and at most 1');
  return share;
}

/** `twinUpdates=5,queries=1`: the hub's own rates per second (the app keeps pacing to the tier: 429 storms). */
function parseQuota(value: string): Partial<Record<QuotaClass, number>> {
  const rates: Partial<Record<QuotaClass, number>> = {};
  for (const pair of value.split(',')) {
    const [name, rate] = pair.split('=');
    if (!name || !(Number(rate) > 0)) throw new InvalidArgumentError(`'${pair}' is not <quota class>=<rate per second above 0>`);
    rates[name as QuotaClass] = Number(rate);
  }
  return rates;
}

function parseUnits(value: string): number {
  const units = Number(value);
  if (!Number.isInteger(units) || units < 1 || units > 200) throw new InvalidArgumentError('must be a whole number from 1 to 200');
  return units;
}

/** What devices provisioned by this stack trust: the local root key and the newest revocation list. */
function localDeviceTrust(keyDir: string) {
  return async () => {
    const paths = await ensureLocalKeys(keyDir);
    const roots = [JSON.parse(fs.readFileSync(paths.rootPublicJwk, 'utf8'))];
    const revocationList = fs.existsSync(paths.revocationList) ? fs.readFileSync(paths.revocationList, 'utf8').trim() : undefined;
    return { roots, ...(revocationList ? { revocationList } : {}) };
  };
}

function storedFiles(connectionString: string, container: string) {
  const files = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  return async (blobPath: string): Promise<Uint8Array | undefined> => {
    try {
      return await files.getBlobClient(blobPath).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be 0..65535');
  return port;
}

async function main(): Promise<void> {
  const options = new Command('start-local')
    .description('Run the OTA update service locally (Functions host, Azurite, Cosmos stand-in)')
    .option('--port <port>', 'HTTP port of the Functions host (0: any free port)', parsePort, 7071)
    .option('--data <dir>', 'keep blobs, durable state, Cosmos data and the IoT Hub (devices, twins, jobs) in this folder across restarts')
    .option('--fleet <profile.json>', "virtual devices for the local IoT Hub (default: the built-in demo fleet, fleet-profiles/demo.json)")
    .option('--iothub-sku <tier>', 'IoT Hub tier whose quotas the local hub enforces and the app paces to', parseSku, 'S1')
    .option('--iothub-units <n>', 'IoT Hub units (quotas grow with units)', parseUnits, 1)
    .option('--iothub-quota-share <share>', "share of each hub quota the app may use (default: the app's, 0.9)", parseShare)
    .option('--iothub-quota <rates>', 'override hub quotas only (the app still paces to the tier), e.g. twinUpdates=5: 429 storms', parseQuota)
    .option('--fault-proxies', 'put unpluggable proxies between the app and Cosmos / IoT Hub, with an admin server (reliability suite)', false)
    .option('--time-scale <n>', 'virtual seconds per real second for durable timers', parseScale, 1)
    .option('--time-skip', 'jump the durable clock to the next timer whenever nothing can run (tests, demos)', false)
    .parse()
    .opts<Options>();

  const repoRoot = findRepoRoot();
  const dataDir = options.data === undefined ? undefined : path.resolve(options.data);
  // Without --data everything goes in one temp folder, removed on exit.
  const tempDir = dataDir === undefined ? useStackTempDir() : undefined;
  // Stopped newest first: the host before the stand-ins it talks to.
  const running: Stop[] = [];
  const stopAll = async (): Promise<void> => {
    for (const step of running.splice(0).reverse()) await bounded(step, STEP_TIMEOUT_MS);
  };
  // Handlers go in before anything starts, so a signal during start-up still stops what has started.
  let stopping = false;
  let started = false;
  const stopAndExit = () => void stopAll().then(() => process.exit(0));
  const shutdown = (): void => {
    if (stopping) return; // a second Ctrl-C does not cut the shutdown short
    stopping = true;
    // Whatever hangs, the stack is gone within a few seconds, so the next start finds its ports free.
    setTimeout(() => {
      console.error(`not stopped within ${SHUTDOWN_DEADLINE_MS} ms of the signal: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    if (started) stopAndExit(); // during start-up, start-up itself stops at its next step
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

  try {
    // Both start together; whichever started is stopped again if the other failed.
    const [azuriteStart, cosmosStart] = await Promise.allSettled([
      // With --data, on the port of the last run: download links in commands sent before a restart keep working.
      dataDir ? startAzuriteOnKeptPort(path.join(dataDir, 'azurite')) : startAzurite(),
      startCosmos({ dataDir: dataDir && path.join(dataDir, 'cosmos') }),
    ]);
    if (azuriteStart.status === 'fulfilled') running.push({ what: 'Azurite', stop: azuriteStart.value.stop });
    if (cosmosStart.status === 'fulfilled') running.push({ what: 'the Cosmos stand-in', stop: cosmosStart.value.stop });
    if (stopping) return stopAndExit();
    if (azuriteStart.status === 'rejected') throw azuriteStart.reason;
    if (cosmosStart.status === 'rejected') throw cosmosStart.reason;
    const azurite = azuriteStart.value;
    const cosmos = cosmosStart.value;

    const localSettings = readLocalSettings(repoRoot);
    // Local signing keys (an offline root and a certified signing key), made on first start; virtual devices trust the root.
    const keyDir = path.join(dataDir ?? tempDir!, 'keys');
    // The hub follows the host's clock once the host runs (virtual devices and quotas then keep its pace).
    const hostClock: { now?: () => number } = {};
    const iotHub = await startLocalIotHub({
      ...(dataDir ? { dataDir: path.join(dataDir, 'iothub') } : {}),
      sku: options.iothubSku,
      units: options.iothubUnits,
      ...(options.iothubQuota ? { quotaOverrides: options.iothubQuota } : {}),
      fleetProfile: path.resolve(options.fleet ?? demoProfilePath),
      now: () => (hostClock.now ? hostClock.now() : Date.now()),
      trust: localDeviceTrust(keyDir),
      // A real device holds the files of the version it runs (a delta's base); virtual ones read them from the store.
      deviceFiles: storedFiles(azurite.connectionString, localSettings.UPDATES_CONTAINER ?? 'updates'),
      // Device-to-cloud messages go to the event hub the app's telemetry trigger reads (delivered once the host runs).
      eventHubCompatibleName: localSettings.IOTHUB_EVENTS_NAME || 'iothub',
    });
    running.push({ what: 'the local IoT Hub', stop: () => iotHub.stop() });
    if (stopping) return stopAndExit();
    // What a device must trust to verify packages (the local root key), beside iothub.json: the reference agent
    // (`npm run agent -- --hub <iothub.json>`) reads it from there.
    const deviceTrustFile = path.join(path.dirname(iotHub.connectionInfoFile), 'device-trust.json');
    fs.writeFileSync(deviceTrustFile, `${JSON.stringify(await localDeviceTrust(keyDir)(), null, 2)}\n`);

    // With --fault-proxies the app reaches Cosmos and the hub's REST endpoint through proxies that can be unplugged.
    let cosmosEndpoint = cosmos.endpoint;
    let hubConnection = iotHub.serviceConnectionString;
    let faultControlUrl: string | undefined;
    if (options.faultProxies) {
      const cosmosProxy = await startFaultProxy(Number(new URL(cosmos.endpoint).port));
      running.push({ what: 'the Cosmos fault proxy', stop: () => cosmosProxy.stop() });
      const hubPort = Number(/HostName=[^:;]+:(\d+)/.exec(iotHub.serviceConnectionString)?.[1]);
      const hubProxy = await startFaultProxy(hubPort);
      running.push({ what: 'the IoT Hub fault proxy', stop: () => hubProxy.stop() });
      const control = await startFaultControl({ cosmos: cosmosProxy, iothub: hubProxy });
      running.push({ what: 'the fault control', stop: () => control.stop() });
      cosmosEndpoint = `http://127.0.0.1:${cosmosProxy.port}/`;
      hubConnection = iotHub.serviceConnectionString.replace(/(HostName=[^:;]+:)\d+/, `$1${hubProxy.port}`);
      faultControlUrl = control.url;
    }

    const settings: Record<string, string> = {
      ...localSettings,
      AzureWebJobsStorage: azurite.connectionString,
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_SERVICE_URL: azurite.blobEndpoint,
      COSMOS_ENDPOINT: cosmosEndpoint,
      COSMOS_KEY: cosmos.key,
      // The app reaches the local hub exactly as an Azure one, with the same adapter; only the connection differs.
      IOTHUB_CONNECTION_STRING: hubConnection,
      IOTHUB_CA_FILE: iotHub.caCertFile,
      // The hub's Event Hubs-compatible endpoint, as the trigger's connection names it in Azure (EntityPath = event hub).
      IOTHUB_EVENTS: iotHub.eventHubCompatibleConnectionString,
      IOTHUB_EVENTS_NAME: iotHub.eventHubCompatibleName,
      IOTHUB_SKU: options.iothubSku,
      IOTHUB_UNITS: String(options.iothubUnits),
      ...(options.iothubQuotaShare ? { IOTHUB_QUOTA_SHARE: String(options.iothubQuotaShare) } : {}),
      // The local hub counts its quotas on the host clock: a scaled clock scales them, and the app's pacing with them.
      IOTHUB_CLOCK_SCALE: String(options.timeScale),
      SIGNING_KEY_DIR: keyDir,
      // Approval links are signed with a key made for this run (with --data: kept, so links survive a restart).
      APPROVAL_LINK_SECRET: localLinkSecret(dataDir),
      // Enterprise events locally: a JSON-lines log instead of an Event Grid topic.
      EVENTS_LOG_FILE: path.join(dataDir ?? tempDir!, 'events.jsonl'),
      // Application Insights when this process has a connection string (empty: no telemetry).
      APPLICATIONINSIGHTS_CONNECTION_STRING: process.env.APPLICATIONINSIGHTS_CONNECTION_STRING ?? localSettings.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '',
    };
    // Without a database name the app itself refuses to start and names the missing setting.
    if (settings.COSMOS_DATABASE) {
      const database = { endpoint: cosmos.endpoint, key: cosmos.key, database: settings.COSMOS_DATABASE };
      await provisionLocal(database);
      // The built-in demo fleet comes with its update, stored before the host opens its port: whatever sees the
      // host answer can create a rollout of it at once.
      if (!options.fleet) {
        const outcome = await storeDemoUpdate(database, new Date());
        const { provider, name, version } = demoUpdateId;
        console.log(`Demo update ${provider}/${name} ${version} ${outcome === 'exists' ? 'was registered already' : 'registered'}`);
      }
      if (stopping) return stopAndExit();
    }
    await provisionLocalBlobs(azurite.connectionString, [settings.UPDATES_CONTAINER ?? 'updates', settings.FIRMWARE_UPLOAD_CONTAINER ?? 'firmware-uploads']);

    const host = await startHost({
      appDir: repoRoot,
      port: options.port,
      dataDir: dataDir && path.join(dataDir, 'taskhub'),
      settings,
      clock: { scale: options.timeScale, autoSkip: options.timeSkip },
    });
    running.push({ what: 'the Functions host', stop: () => host.stop() });
    hostClock.now = () => host.now();
    // Stops delivering before the host goes (stopped newest first): no post hits a host that is shutting down.
    iotHub.setEventsEndpoint(`${host.url}/admin/eventhubs/${encodeURIComponent(iotHub.eventHubCompatibleName)}`);
    running.push({ what: 'event delivery', stop: async () => iotHub.setEventsEndpoint(undefined) });
    started = true;
    if (stopping) return stopAndExit();

    // Azurite's well-known development account (public, not a secret): where CI-style uploads go locally.
    console.log(`Blob storage (Azurite): ${azurite.connectionString}`);
    // The stand-in accepts the Cosmos emulator's published development key (public, not a secret).
    console.log(`Cosmos DB (stand-in): ${cosmos.endpoint} database ${settings.COSMOS_DATABASE ?? ''}`);
    // The hub's own policy key for this local hub (made on its first start): what `azure-iothub` clients connect with.
    console.log(`IoT Hub (local, ${options.iothubSku} x ${options.iothubUnits}): ${iotHub.serviceConnectionString}`);
    console.log(`IoT Hub connection info (ports, CA for devices and the service SDK): ${iotHub.connectionInfoFile}`);
    console.log(`Device trust (root keys the reference agent verifies packages with): ${deviceTrustFile}`);
    if (faultControlUrl) console.log(`Fault control (POST /faults/cosmos|iothub/down|up): ${faultControlUrl}`);
    console.log(`OTA update service running: ${host.url}/api/health`);
  } catch (err) {
    await stopAll();
    throw err;
  }

}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
