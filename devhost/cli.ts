#!/usr/bin/env node
/** `npm run devhost -- --app <dir> --port <port> [--data <dir>]`: run any Functions v4 Node app locally. */
import { Command, InvalidArgumentError } from 'commander';
import { startHost } from './host';

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a non-negative number');
  return n;
}

const program = new Command()
  .name('devhost')
  .description('Local Azure Functions v4 + Durable Functions host for Node apps')
  .requiredOption('--app <dir>', 'folder of the Functions app (its package.json "main" is loaded)')
  .option('--port <port>', 'port on 127.0.0.1 (0 = any free port)', positiveNumber, 7071)
  .option('--data <dir>', 'persist the durable task hub in this folder (default: in memory)')
  .option('--time-scale <n>', 'virtual seconds per real second for durable timers and timer triggers', positiveNumber, 1)
  .option('--time-skip', 'when nothing can run, jump the clock to the next durable timer', false)
  .option('--azurite-blob-endpoint <url>', 'the Azurite blob endpoint UseDevelopmentStorage=true means (default http://127.0.0.1:10000/devstoreaccount1)')
  .parse();

const opts = program.opts<{ app: string; port: number; data?: string; timeScale: number; timeSkip: boolean; azuriteBlobEndpoint?: string }>();

startHost({
  appDir: opts.app,
  port: opts.port,
  dataDir: opts.data,
  clock: { scale: opts.timeScale, autoSkip: opts.timeSkip },
  azuriteBlobEndpoint: opts.azuriteBlobEndpoint,
})
  .then((host) => {
    const shutdown = () => {
      host.stop().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  })
  .catch((err: unknown) => {
    console.error(`devhost failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
