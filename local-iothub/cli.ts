#!/usr/bin/env node
/**
 * `node dist/local-iothub/cli.js [--data <dir>] [--fleet <profile>] [--sku S1|S2|S3] [--units N] [--events-url <url>]`: the local IoT Hub
 * on its own. Prints the connection info as one JSON line (`local IoT Hub ready {…}`), stops on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startLocalIotHub, type IotHubSku } from './index';

function sku(value: string): IotHubSku {
  if (value !== 'S1' && value !== 'S2' && value !== 'S3') throw new InvalidArgumentError('must be S1, S2 or S3');
  return value;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

const program = new Command()
  .name('local-iothub')
  .description('A local stand-in for Azure IoT Hub (service REST API over HTTPS, devices over MQTT/TLS)')
  .option('--data <dir>', 'keep identities, twins, jobs, keys and the CA in this folder (default: a temp folder, nothing kept)')
  .option('--fleet <profile>', 'a fleet profile (JSON) whose devices live in the hub as virtual devices')
  .option('--sku <sku>', 'the tier whose throttles apply: S1, S2 or S3', sku, 'S1' as IotHubSku)
  .option('--units <n>', 'IoT Hub units of the tier', count, 1)
  .option('--https-port <port>', 'service endpoint port on 127.0.0.1 (0 = any free port)', count, 0)
  .option('--mqtts-port <port>', 'device endpoint port on 127.0.0.1 (0 = any free port)', count, 0)
  .option('--events-url <url>', 'deliver device-to-cloud messages to this Event Hubs delivery API prefix (e.g. http://127.0.0.1:7071/admin/eventhubs/iothub)')
  .option('--quiet', 'print only the ready line', false)
  .parse();

const opts = program.opts<{ data?: string; fleet?: string; sku: IotHubSku; units: number; httpsPort: number; mqttsPort: number; eventsUrl?: string; quiet: boolean }>();

startLocalIotHub({
  ...(opts.data ? { dataDir: opts.data } : {}),
  ...(opts.fleet ? { fleetProfile: opts.fleet } : {}),
  sku: opts.sku,
  units: opts.units,
  httpsPort: opts.httpsPort,
  mqttsPort: opts.mqttsPort,
  ...(opts.eventsUrl ? { eventsEndpoint: opts.eventsUrl } : {}),
  ...(opts.quiet ? {} : { log: (line: string) => console.error(line) }),
})
  .then((hub) => {
    console.log(`local IoT Hub ready ${JSON.stringify({ ...hub.connectionInfo, connectionInfoFile: hub.connectionInfoFile })}`);
    const shutdown = () => {
      hub.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  })
  .catch((err: unknown) => {
    console.error(`local IoT Hub failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
