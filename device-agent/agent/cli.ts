#!/usr/bin/env node
/**
 * `npm run agent -- --device <id> --hub <iothub.json> …` (or `--connection-string …` for a real hub): the reference
 * OTA device agent. Problems with options, files or the hub end it with one line on stderr and exit code 1.
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { OtaAgent, type HubEndpoint } from './agent';
import { readLocalHub, registerWithLocalHub } from './hub-registration';
import { optionDefaults, parseOptions, type AgentOptions, type RawOptions } from './options';
import { copyFilesHandler } from './update-handler';

/** A probe never runs longer than this (the trial timeout may cut it shorter). */
const probeTimeoutMs = 30_000;
const stopGraceMs = 4000;

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
};

function fail(message: string): never {
  process.stderr.write(`ota-agent: ${message}\n`);
  process.exit(1);
}

function commandLine(): Command {
  return new Command()
    .name('ota-agent')
    .description('OTA update agent for one device: follows docs/device-twin-contract.md')
    .option('--device <id>', 'device id (required with --hub)')
    .option('--hub <file>', "the local IoT Hub's iothub.json: the agent registers itself")
    .option('--connection-string <cs>', 'a device connection string for a real IoT Hub (instead of --hub)')
    .option('--data <dir>', 'slots, downloads and journal', optionDefaults.data)
    .option('--tags <list>', 'twin tags written at registration, e.g. site=plant-1,model=ctl-a')
    .option('--health-cmd <command>', 'shell command: exit code 0 = healthy; a JSON object on its last line adds metrics')
    .option('--health-url <url>', 'must answer 2xx for the device to be healthy')
    .option('--trust <file>', 'trust anchors {roots, revocationList?} (default: device-trust.json beside --hub)')
    .option('--update-name <name>', 'the update this device runs', optionDefaults.updateName)
    .option('--initial-version <semver>', 'the version of the factory slot', optionDefaults.initialVersion)
    .option('--telemetry-interval <seconds>', 'health telemetry interval', optionDefaults.telemetryInterval)
    .option('--trial-passes <n>', 'consecutive healthy probes that commit a new version', optionDefaults.trialPasses)
    .option('--probe-interval <seconds>', 'time between probes during a trial', optionDefaults.probeInterval)
    .option('--trial-timeout <seconds>', 'a trial not passed by then is rolled back', optionDefaults.trialTimeout)
    .showHelpAfterError(false);
}

async function hubEndpoint(options: AgentOptions): Promise<HubEndpoint> {
  if (options.hub.kind === 'connection-string') return { connectionString: options.hub.connectionString, ca: undefined };
  const hub = readLocalHub(options.hub.connectionInfoFile);
  const connectionString = await registerWithLocalHub(hub, options.deviceId, options.tags);
  log(`registered as ${options.deviceId} with the local IoT Hub (https ${hub.info.httpsPort}, mqtts ${hub.info.mqttsPort})`);
  return { connectionString, ca: hub.ca };
}

async function main(): Promise<void> {
  const program = commandLine();
  program.parse(process.argv);
  const parsed = parseOptions(program.opts<RawOptions>());
  if (!parsed.ok) fail(parsed.error);
  const { options } = parsed;
  const hub = await hubEndpoint(options);
  fs.mkdirSync(options.dataDir, { recursive: true });
  if (!fs.existsSync(options.trustFile)) log(`no trust file at ${options.trustFile}: every signed package will be refused`);
  const agent = new OtaAgent({
    dataDir: options.dataDir,
    updateName: options.updateName,
    initialVersion: options.initialVersion,
    tags: options.tags,
    trustFile: options.trustFile,
    probe: { ...(options.healthCmd ? { healthCmd: options.healthCmd } : {}), ...(options.healthUrl ? { healthUrl: options.healthUrl } : {}), timeoutMs: probeTimeoutMs },
    trial: { requiredPasses: options.trialPasses, timeoutMs: options.trialTimeoutMs, probeIntervalMs: options.probeIntervalMs },
    telemetryIntervalMs: options.telemetryIntervalMs,
    handler: copyFilesHandler,
    log,
  });
  agent.start(hub);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    // The journal is always current: a stop that takes too long loses nothing, so do not wait for it.
    setTimeout(() => process.exit(0), stopGraceMs).unref();
    void agent.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

process.on('uncaughtException', (error) => fail(`unexpected error: ${error.message}`));
main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
