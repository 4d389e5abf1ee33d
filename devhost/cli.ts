#!/usr/bin/env node
/**
 * `functions-devhost --app <dir> [--port <port>] [--data <dir>] [--azurite]` (or `npm run devhost -- …` in this
 * repository): run any Functions v4 Node app locally.
 */
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { describeApp } from './app-loader';
import { developmentStorageSettings } from './development-storage';
import { startHost } from './host';
import { startAzurite, type RunningAzurite } from './standins/azurite';

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}

const program = new Command()
  .name('functions-devhost')
  .description('Local Azure Functions v4 + Durable Functions host for Node apps')
  .requiredOption('--app <dir>', 'folder of the Functions app (its package.json "main" is loaded)')
  .option('--port <port>', 'port on 127.0.0.1 (0 = any free port; default: local.settings.json Host.LocalHttpPort, else 7071)', nonNegativeNumber)
  .option('--data <dir>', 'persist the durable task hub (and, with --azurite, the blobs) in this folder (default: in memory)')
  .option('--time-scale <n>', 'virtual seconds per real second for durable timers and timer triggers', nonNegativeNumber, 1)
  .option('--time-skip', 'when nothing can run, jump the clock to the next durable timer', false)
  .option('--azurite', "start Azurite's blob service when a setting is UseDevelopmentStorage=true", false)
  .option('--azurite-port <port>', 'blob port of the Azurite --azurite starts (0 = any free port)', nonNegativeNumber, 10000)
  .option('--azurite-blob-endpoint <url>', 'the Azurite blob endpoint UseDevelopmentStorage=true means (default http://127.0.0.1:10000/devstoreaccount1)')
  .parse();

interface CliOptions {
  app: string;
  port?: number;
  data?: string;
  timeScale: number;
  timeSkip: boolean;
  azurite: boolean;
  azuritePort: number;
  azuriteBlobEndpoint?: string;
}

/** Azurite for an app that uses the emulator, when asked for; settings as the host will see them (environment wins). */
async function maybeStartAzurite(opts: CliOptions): Promise<RunningAzurite | undefined> {
  if (!opts.azurite) return undefined;
  const users = developmentStorageSettings({ ...describeApp(opts.app).localSettings, ...process.env });
  if (users.length === 0) {
    console.log('--azurite: no setting is UseDevelopmentStorage=true, so Azurite is not started.');
    return undefined;
  }
  const azurite = await startAzurite({ blobPort: opts.azuritePort, location: opts.data ? path.join(opts.data, 'azurite') : undefined });
  console.log(`Azurite blob service on ${azurite.blobEndpoint} (for ${users.join(', ')})`);
  return azurite;
}

async function main(opts: CliOptions): Promise<void> {
  const azurite = await maybeStartAzurite(opts);
  try {
    const host = await startHost({
      appDir: opts.app,
      port: opts.port,
      dataDir: opts.data,
      clock: { scale: opts.timeScale, autoSkip: opts.timeSkip },
      azuriteBlobEndpoint: azurite?.blobEndpoint ?? opts.azuriteBlobEndpoint,
    });
    const shutdown = () => {
      host.stop()
        .then(() => azurite?.stop())
        .then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (err) {
    await azurite?.stop();
    throw err;
  }
}

main(program.opts<CliOptions>()).catch((err: unknown) => {
  console.error(`devhost failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
