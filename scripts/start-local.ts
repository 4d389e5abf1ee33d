/**
 * `npm start`: the whole service on this machine with nothing but npm — Azurite, the Cosmos stand-in and the
 * local Functions host running the app — until Ctrl-C.
 *
 *   node dist/scripts/start-local.js [--port 7071] [--data <dir>] [--fleet <profile.json>] [--time-scale N] [--time-skip]
 *
 * With --data, blobs, durable task hub state and Cosmos stand-in data survive restarts, `kill -9` included.
 * Without --fleet (the built-in demo fleet) the demo update is registered before the service reports ready.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startHost } from '../devhost/host';
import { startAzurite } from '../devhost/standins/azurite';
import { startCosmos } from '../devhost/standins/cosmos';
import { demoUpdateId, registerDemoUpdate } from './demo-update';
import { findRepoRoot, readLocalSettings } from './local-settings';
import { provisionLocal, provisionLocalBlobs } from './provision-local';

interface Options {
  port: number;
  data?: string;
  fleet?: string;
  timeScale: number;
  timeSkip: boolean;
}

type Stop = () => Promise<void>;

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

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('must be 0..65535');
  return port;
}

async function main(): Promise<void> {
  const options = new Command('start-local')
    .description('Run the OTA update service locally (Functions host, Azurite, Cosmos stand-in)')
    .option('--port <port>', 'HTTP port of the Functions host (0: any free port)', parsePort, 7071)
    .option('--data <dir>', 'keep blobs, durable state, Cosmos data and the simulated devices in this folder across restarts')
    .option('--fleet <profile.json>', 'simulated fleet profile (default: the built-in demo fleet)')
    .option('--time-scale <n>', 'virtual seconds per real second for durable timers', parseScale, 1)
    .option('--time-skip', 'jump the durable clock to the next timer whenever nothing can run (tests, demos)', false)
    .parse()
    .opts<Options>();

  const repoRoot = findRepoRoot();
  const dataDir = options.data === undefined ? undefined : path.resolve(options.data);
  // Stopped newest first: the host before the stand-ins it talks to.
  const running: Stop[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of running.splice(0).reverse()) {
      await stop().catch((err: unknown) => console.error('stop failed:', err));
    }
  };
  // Handlers go in before anything starts, so a signal during start-up still stops what has started.
  let stopping = false;
  let started = false;
  const stopAndExit = () => void stopAll().then(() => process.exit(0));
  const shutdown = (): void => {
    if (stopping) return; // a second Ctrl-C does not cut the shutdown short
    stopping = true;
    if (started) stopAndExit(); // during start-up, start-up itself stops at its next step
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

  try {
    // Both start together; whichever started is stopped again if the other failed.
    const [azuriteStart, cosmosStart] = await Promise.allSettled([
      startAzurite({ location: dataDir && path.join(dataDir, 'azurite') }),
      startCosmos({ dataDir: dataDir && path.join(dataDir, 'cosmos') }),
    ]);
    for (const started of [azuriteStart, cosmosStart]) {
      if (started.status === 'fulfilled') running.push(started.value.stop);
    }
    if (stopping) return stopAndExit();
    if (azuriteStart.status === 'rejected') throw azuriteStart.reason;
    if (cosmosStart.status === 'rejected') throw cosmosStart.reason;
    const azurite = azuriteStart.value;
    const cosmos = cosmosStart.value;

    const settings: Record<string, string> = {
      ...readLocalSettings(repoRoot),
      AzureWebJobsStorage: azurite.connectionString,
      BLOB_CONNECTION_STRING: azurite.connectionString,
      BLOB_SERVICE_URL: azurite.blobEndpoint,
      COSMOS_ENDPOINT: cosmos.endpoint,
      COSMOS_KEY: cosmos.key,
      ...(options.fleet ? { FLEET_PROFILE: path.resolve(options.fleet) } : {}),
      ...(dataDir ? { FLEET_STATE_FILE: path.join(dataDir, 'fleet', 'devices.jsonl') } : {}),
      // Local signing keys (an offline root and a certified signing key), created on first start.
      SIGNING_KEY_DIR: dataDir ? path.join(dataDir, 'keys') : fs.mkdtempSync(path.join(os.tmpdir(), 'ota-keys-')),
      // Approval links are signed with a key made for this run (with --data: kept, so links survive a restart).
      APPROVAL_LINK_SECRET: localLinkSecret(dataDir),
      // Enterprise events locally: a JSON-lines log instead of an Event Grid topic.
      EVENTS_LOG_FILE: path.join(dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ota-events-')), 'events.jsonl'),
    };
    // Without a database name the app itself refuses to start and names the missing setting.
    if (settings.COSMOS_DATABASE) {
      await provisionLocal({ endpoint: cosmos.endpoint, key: cosmos.key, database: settings.COSMOS_DATABASE });
    }
    await provisionLocalBlobs(azurite.connectionString, [settings.UPDATES_CONTAINER ?? 'updates', settings.FIRMWARE_UPLOAD_CONTAINER ?? 'firmware-uploads']);

    const host = await startHost({
      appDir: repoRoot,
      port: options.port,
      dataDir: dataDir && path.join(dataDir, 'taskhub'),
      settings,
      clock: { scale: options.timeScale, autoSkip: options.timeSkip },
    });
    running.push(() => host.stop());
    started = true;
    if (stopping) return stopAndExit();

    // The built-in demo fleet comes with its update, so "ready" means a rollout can be created at once.
    if (!options.fleet) {
      // A Ctrl-C meanwhile stops the host under the request: that failure is the shutdown's, not start-up's.
      const outcome = await registerDemoUpdate(host.url).catch((err: unknown) => { if (!stopping) throw err; });
      if (stopping) return;
      const { provider, name, version } = demoUpdateId;
      console.log(`Demo update ${provider}/${name} ${version} ${outcome === 'exists' ? 'was registered already' : 'registered'}`);
    }

    // Azurite's well-known development account (public, not a secret): where CI-style uploads go locally.
    console.log(`Blob storage (Azurite): ${azurite.connectionString}`);
    // The stand-in accepts the Cosmos emulator's published development key (public, not a secret).
    console.log(`Cosmos DB (stand-in): ${cosmos.endpoint} database ${settings.COSMOS_DATABASE ?? ''}`);
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
