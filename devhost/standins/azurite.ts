/**
 * Azurite's blob service as a child process: the local stand-in for Azure Blob Storage.
 *
 * Azurite's package `main` is its VS Code extension, so the blob server's own entry file is run instead, inside
 * azurite-process.ts: acknowledged writes survive a `kill -9`, and the child exits when this process dies.
 * It listens on a free port (reported on stdout) so parallel runs and tests never collide.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { childScriptArgs } from './child-script';

export interface AzuriteOptions {
  /** Folder for persisted blobs; without it everything lives in memory. */
  location?: string;
  /** Blob service port; default 0 (a free one). 10000 is the port `UseDevelopmentStorage=true` means. */
  blobPort?: number;
}

export interface RunningAzurite {
  /** e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  /** The child process's id (tests check it is gone). */
  pid: number;
  stop(): Promise<void>;
}

/** Azurite's fixed development account; the key is public and the same on every machine. */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const READY_TIMEOUT_MS = 15_000;
/** SIGTERM, then SIGKILL: a stack stopping under load must not wait long for its blob store. */
const STOP_TIMEOUT_MS = 2_000;
const LISTENING = /listens on https?:\/\/[^\s:]+:(\d+)/;

export async function startAzurite(opts: AzuriteOptions = {}): Promise<RunningAzurite> {
  const args = [
    blobMainPath(),
    '--blobHost', '127.0.0.1',
    '--blobPort', String(opts.blobPort ?? 0),
    // Newer SDKs send API versions this Azurite does not know yet; it would answer 400.
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    // Telemetry would try to reach the internet.
    '--disableTelemetry',
  ];
  if (opts.location) {
    await mkdir(opts.location, { recursive: true });
    args.push('--location', opts.location);
  } else {
    args.push('--inMemoryPersistence');
  }

  // stdin is the child's lifeline: it closes when this process dies, however it dies, and the child then exits.
  const child = spawn(process.execPath, childScriptArgs(path.join(__dirname, 'azurite-process'), args), { stdio: ['pipe', 'pipe', 'pipe'] });
  // If the parent exits without calling stop(), the child must not outlive it.
  const killOnExit = (): void => {
    child.kill();
  };
  process.on('exit', killOnExit);

  let port: number;
  try {
    port = await waitForPort(child);
  } catch (err) {
    process.off('exit', killOnExit);
    await terminate(child);
    throw err;
  }

  const blobEndpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    blobEndpoint,
    pid: child.pid!,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    async stop() {
      // Removed only once it is gone: if the parent exits while waiting, the child is still killed.
      await terminate(child);
      process.off('exit', killOnExit);
    },
  };
}

function blobMainPath(): string {
  const root = path.dirname(require.resolve('azurite/package.json'));
  return path.join(root, 'dist', 'src', 'blob', 'main.js');
}

/** Resolves with the port Azurite prints once it listens; rejects if it exits or stays silent too long. */
function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);

    const onStdout = (chunk: Buffer): void => {
      stdout += chunk.toString();
      const match = LISTENING.exec(stdout);
      if (match?.[1]) {
        cleanup();
        resolve(Number(match[1]));
      }
    };
    const onStderr = (chunk: Buffer): void => {
      stderr += chunk.toString();
    };
    const onExit = (code: number | null): void => {
      fail(new Error(`Azurite exited (code ${code}) before listening: ${stderr.trim() || stdout.trim()}`));
    };
    const onError = (err: Error): void => fail(err);

    function fail(err: Error): void {
      cleanup();
      reject(err);
    }
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', onStderr);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining the pipes so a chatty child never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
    }

    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** SIGTERM lets Azurite flush a persisted location; SIGKILL if it hangs. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
