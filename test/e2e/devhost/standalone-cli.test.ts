/**
 * The devhost as a package of its own (devhost/package.json, bin `functions-devhost`): started with npx from a folder
 * outside the repository on a copy of an app, it applies the app's local.settings.json (Values, Host.LocalHttpPort)
 * and, with --azurite, starts Azurite for the app's UseDevelopmentStorage=true.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { eventually, json, post, repoRoot } from '../../support/devhost-process';

const azuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A copy of a fixture app in a temp folder, with the repository's packages as its node_modules (as if installed). */
function copyApp(fixture: string, into: string, localSettings: unknown): string {
  const dir = path.join(into, 'app');
  fs.cpSync(path.join(repoRoot, 'test/fixtures', fixture), dir, { recursive: true });
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(dir, 'local.settings.json'), JSON.stringify(localSettings));
  return dir;
}

describe('npx functions-devhost from another folder', () => {
  let temp: string;
  let stopHost: (() => Promise<void>) | undefined;
  beforeAll(() => { temp = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-standalone-')); });
  afterAll(async () => {
    await stopHost?.();
    fs.rmSync(temp, { recursive: true, force: true });
  });

  it("runs a copied app on its local.settings.json port and settings, with Azurite for UseDevelopmentStorage=true", async () => {
    const port = await freePort();
    const app = copyApp('bindings-app', temp, {
      IsEncrypted: false,
      Values: { FUNCTIONS_WORKER_RUNTIME: 'node', AzureWebJobsStorage: 'UseDevelopmentStorage=true', ARCHIVE_CONTAINER: 'copied-archive' },
      Host: { LocalHttpPort: port },
    });
    const cwd = fs.mkdtempSync(path.join(temp, 'cwd-'));
    // Its own process group, so the test can stop npx, the host and Azurite together even when it fails.
    const child = spawn('npx', ['--yes', '--offline', `--package=${path.join(repoRoot, 'devhost')}`, 'functions-devhost', '--app', app, '--azurite', '--azurite-port', '0'], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    stopHost = async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
    };
    let log = '';
    child.stdout!.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString(); });

    const url = await eventually(async () => /devhost listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)?.[1], 25000, `the devhost to start:\n${log}`);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const blobEndpoint = /Azurite blob service on (\S+) \(for AzureWebJobsStorage\)/.exec(log)?.[1];
    expect(blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);

    expect((await json(`${url}/admin/host/status`)).body.state).toBe('Running');
    expect((await post(`${url}/api/archive/dev-9`, { firmware: '3.0.0' })).status).toBe(202);
    const blobs = BlobServiceClient.fromConnectionString(
      `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azuriteKey};BlobEndpoint=${blobEndpoint};`,
    );
    const names: string[] = [];
    for await (const blob of blobs.getContainerClient('copied-archive').listBlobsFlat()) names.push(blob.name);
    expect(names).toEqual([expect.stringMatching(/^dev-9\/[0-9a-f-]{36}\.json$/)]);

    // Nothing it started keeps running.
    await stopHost();
    await expect(fetch(`${blobEndpoint}?comp=list`)).rejects.toThrow();
  });
});
