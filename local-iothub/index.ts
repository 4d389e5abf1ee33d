/**
 * The local IoT Hub: a stand-in Azure IoT Hub that the unchanged SDKs talk to — the service SDK (`azure-iothub`)
 * over HTTPS, devices (`azure-iot-device-mqtt` or plain MQTT) over MQTT/TLS — with IoT Hub's throttles for a tier,
 * jobs, a virtual fleet living inside the hub, and (with a data dir) durable state.
 *
 * Device-to-cloud messages go to the built-in Event Hubs-compatible endpoint (local-iothub/events/), which delivers
 * them to an events URL (the devhost's Event Hubs delivery API) once one is set.
 *
 * Start-up order: TLS and policy keys → restore the journal → built-in events endpoint → virtual fleet (resumes restored devices, provisions
 * missing ones) → MQTT → HTTPS → connection info file. Both endpoints listen on 127.0.0.1, ephemeral ports by default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HubState, type Json } from './hub-state';
import { HubJobs } from './jobs';
import { startMqttServer } from './mqtt';
import { HubJournal, type JournalStats } from './persistence';
import { HubQuotas, type IotHubSku, type QuotaClass, type QuotaStats } from './quotas';
import { BuiltInEventsEndpoint, defaultPartitions, type EventsStats } from './events/built-in-endpoint';
import { adminRoutes } from './rest/admin-routes';
import { startRestServer } from './rest/https-server';
import { identityRoutes } from './rest/identity-routes';
import { jobRoutes } from './rest/job-routes';
import { loadOrCreatePolicies } from './rest/policies';
import { QueryCursors } from './rest/query-cursors';
import { queryRoutes } from './rest/query-routes';
import { twinRoutes } from './rest/twin-routes';
import { ensureHubTls } from './tls';
import { loadFleetProfile } from './virtual-devices/fleet-profile';
import { VirtualFleet, type VirtualFleetOptions } from './virtual-devices/virtual-fleet';

export type { IotHubSku, QuotaClass } from './quotas';

export interface LocalIotHubOptions {
  /** Where identities, twins, jobs, policy keys and the TLS CA are kept; without it, a temp dir removed on stop. */
  dataDir?: string;
  sku?: IotHubSku;
  units?: number;
  /** A fleet profile (JSON file) whose devices live in the hub as virtual devices. */
  fleetProfile?: string;
  /** The hub clock (ms): quotas, jobs and virtual devices follow it (default Date.now). */
  now?: () => number;
  /**
   * The clock SAS token expiry is checked on (default Date.now): clients sign on real clocks, so a hub clock that
   * is scaled or skipped ahead must not expire their tokens.
   */
  tokenNow?: () => number;
  /** Root keys and revocation list the virtual devices trust (passed to VirtualFleet). */
  trust?: VirtualFleetOptions['trust'];
  /** Where virtual devices read the files of the version they run (a delta's base), by package path. */
  deviceFiles?: VirtualFleetOptions['packageStore'];
  log?: (line: string) => void;
  /** Fixed ports (default 0: ephemeral). */
  httpsPort?: number;
  mqttsPort?: number;
  /** Rates per second replacing the tier's for some classes (tests; Infinity turns a throttle off). */
  quotaOverrides?: Partial<Record<QuotaClass, number>>;
  /**
   * Where device-to-cloud messages are delivered: the URL prefix of an Event Hubs delivery API (the devhost's
   * `http://127.0.0.1:7071/admin/eventhubs/iothub`); batches go to `{url}/partitions/{id}/events`. Without it they
   * wait (bounded) until `setEventsEndpoint` names one.
   */
  eventsEndpoint?: string;
  /** The built-in endpoint's Event Hub-compatible name (default `iothub`). */
  eventHubCompatibleName?: string;
  /** Its partitions (default 4, as IoT Hub's). */
  eventHubPartitions?: number;
}

export interface ConnectionInfo {
  /** `HostName=localhost:<httpsPort>;SharedAccessKeyName=iothubowner;SharedAccessKey=…` */
  serviceConnectionString: string;
  hostName: 'localhost';
  httpsPort: number;
  mqttsPort: number;
  /** The CA to trust (service SDK and devices). */
  caCertFile: string;
  /** The built-in endpoint's name: what an `app.eventHub` trigger's `eventHubName` should be. */
  eventHubCompatibleName: string;
  eventHubPartitions: number;
  /** Informational (nothing listens on it): a realistic value for app settings that hold the endpoint. */
  eventHubCompatibleConnectionString: string;
}

export interface LocalIotHubStats {
  sku: IotHubSku;
  units: number;
  devices: number;
  connectedMqttDevices: number;
  quotas: Record<QuotaClass, QuotaStats>;
  jobs: ReturnType<HubJobs['stats']>;
  journal?: JournalStats;
  queryCursors: number;
  /** The built-in endpoint: per partition enqueued, delivered, dropped, pending, last delivery error. */
  events: EventsStats;
}

export interface LocalIotHub extends ConnectionInfo {
  connectionInfo: ConnectionInfo;
  /** `iothub.json` holding the connection info (in dataDir, else in the temp dir). */
  connectionInfoFile: string;
  state: HubState;
  fleet?: VirtualFleet;
  stats(): LocalIotHubStats;
  /** Sets (or with undefined, clears) where device-to-cloud messages are delivered; see `eventsEndpoint`. */
  setEventsEndpoint(url: string | undefined): void;
  stop(): Promise<void>;
}

const hostName = 'localhost';

export async function startLocalIotHub(options: LocalIotHubOptions = {}): Promise<LocalIotHub> {
  const log = options.log ?? (() => undefined);
  const tempDir = options.dataDir ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'local-iothub-'));
  const dir = path.resolve(options.dataDir ?? tempDir!);
  fs.mkdirSync(dir, { recursive: true });
  const cleanups: (() => unknown)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`local IoT Hub: stopping: ${(error as Error).message}`);
      }
    }
  };
  try {
    const tls = await ensureHubTls(path.join(dir, 'tls'));
    const policies = loadOrCreatePolicies(dir);
    const state = new HubState(options.now ?? Date.now, options.tokenNow ?? Date.now);
    const quotas = new HubQuotas({ sku: options.sku, units: options.units, now: state.now, overrides: options.quotaOverrides });
    const jobs = new HubJobs({ state, quotas, log });
    const journal = options.dataDir ? HubJournal.open({ dir: path.join(dir, 'journal'), state, jobs, log }) : undefined;
    if (journal) cleanups.push(() => journal.close());
    if (tempDir) cleanups.push(() => fs.rmSync(tempDir, { recursive: true, force: true }));
    // Before the fleet, so no message a virtual device sends goes unrouted.
    const events = new BuiltInEventsEndpoint(state, { partitions: options.eventHubPartitions ?? defaultPartitions, eventsEndpoint: options.eventsEndpoint, log });
    cleanups.push(() => events.stop());

    let fleet: VirtualFleet | undefined;
    if (options.fleetProfile) {
      const created = new VirtualFleet(state, loadFleetProfile(options.fleetProfile), { ...(options.trust ? { trust: options.trust } : {}), ...(options.deviceFiles ? { packageStore: options.deviceFiles } : {}), log });
      fleet = created;
      cleanups.push(() => created.stop());
      created.provision();
      journal?.flush();
    }
    jobs.start();
    cleanups.push(() => jobs.stop());

    const mqtt = await startMqttServer({
      state, tls, hostName, port: options.mqttsPort ?? 0, log,
      admit: (op) => quotas.admit(op === 'deviceConnection' ? 'deviceConnections' : 'deviceToCloud'),
    });
    cleanups.push(() => mqtt.stop());

    const cursors = new QueryCursors();
    const stats = (): LocalIotHubStats => ({
      sku: quotas.sku,
      units: quotas.units,
      devices: state.identities.size,
      connectedMqttDevices: mqtt.connections(),
      quotas: quotas.stats(),
      jobs: jobs.stats(),
      ...(journal ? { journal: journal.stats() } : {}),
      queryCursors: cursors.size,
      events: events.stats(),
    });
    const rest = await startRestServer({
      routes: [...identityRoutes(state), ...twinRoutes(state), ...queryRoutes(state, jobs, cursors), ...jobRoutes(jobs), ...adminRoutes(() => stats() as unknown as Json, state)],
      tls, policies, hostName, quotas, tokenNow: state.tokenNow, port: options.httpsPort ?? 0, log,
      ...(journal ? { beforeReply: () => journal.flush() } : {}),
    });
    cleanups.push(() => rest.stop());

    const owner = policies.find((p) => p.name === 'iothubowner')!;
    const eventHubCompatibleName = options.eventHubCompatibleName ?? 'iothub';
    const connectionInfo: ConnectionInfo = {
      serviceConnectionString: `HostName=${hostName}:${rest.port};SharedAccessKeyName=${owner.name};SharedAccessKey=${owner.primaryKey}`,
      hostName,
      httpsPort: rest.port,
      mqttsPort: mqtt.port,
      caCertFile: tls.caCertFile,
      eventHubCompatibleName,
      eventHubPartitions: events.partitionCount,
      eventHubCompatibleConnectionString: `Endpoint=sb://${hostName}:${rest.port}/;SharedAccessKeyName=${owner.name};SharedAccessKey=${owner.primaryKey};EntityPath=${eventHubCompatibleName}`,
    };
    const connectionInfoFile = path.join(dir, 'iothub.json');
    fs.writeFileSync(connectionInfoFile, `${JSON.stringify(connectionInfo, null, 2)}\n`, { mode: 0o600 });
    log(`local IoT Hub (${quotas.sku} x ${quotas.units}) ready: ${state.identities.size} devices, https ${rest.port}, mqtts ${mqtt.port}`);

    let stopping: Promise<void> | undefined;
    return {
      ...connectionInfo,
      connectionInfo,
      connectionInfoFile,
      state,
      ...(fleet ? { fleet } : {}),
      stats,
      setEventsEndpoint: (url) => events.setEventsEndpoint(url),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
