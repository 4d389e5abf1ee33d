/**
 * What the device agent's integration tests share: signed packages (real keys, real signatures), a package server
 * on 127.0.0.1 with HTTP Range and a slow mode, agent processes (the built CLI, as a device runs it) and the
 * reported `ota` history a hub saw. Needs `npm run build` first (`npm test` runs it in pretest).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { UpdateManifest } from '../../../domain/packages/manifest';
import { createDelta, deltaTool } from '../../../delta';
import { signManifest } from '../../../adapters/signing/sign-manifest';
import type { LocalKeySigner } from '../../../adapters/signing/local-key-signer';
import type { LocalIotHub } from '../../../local-iothub';
import { makeRoot, makeSigner, manifestFor, type Root } from '../../unit/device-agent/update-package-fixture';

export const agentCli = path.resolve(__dirname, '../../../dist/device-agent/agent/cli.js');

export function requireBuiltAgent(): void {
  if (!fs.existsSync(agentCli)) throw new Error(`${agentCli} is missing: run npm run build first (npm test does)`);
}

const day = 24 * 3600_000;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

export interface Signing {
  root: Root;
  signer: LocalKeySigner;
}

/** A root and a signing key valid around the real clock (the agent checks expiry on its own clock). */
export async function makeSigning(): Promise<Signing> {
  const root = makeRoot();
  const signer = await makeSigner(root, { notBefore: new Date(Date.now() - day), notAfter: new Date(Date.now() + 90 * day) });
  return { root, signer };
}

export function writeTrustFile(file: string, signing: Signing): void {
  fs.writeFileSync(file, JSON.stringify({ roots: [signing.root.jwk] }));
}

/** Serves bytes by path with Range support; a path can be slowed to `bytesPerTick` every 50 ms. */
export class PackageServer {
  private readonly files = new Map<string, Buffer>();
  private readonly slow = new Map<string, number>();
  /** Every request as `path range`, to see resumed downloads. */
  readonly requests: string[] = [];
  /** Bytes sent per path. */
  readonly sent = new Map<string, number>();
  private server: http.Server | undefined;
  private base = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  put(urlPath: string, bytes: Buffer, options: { bytesPerTick?: number } = {}): string {
    this.files.set(urlPath, bytes);
    if (options.bytesPerTick) this.slow.set(urlPath, options.bytesPerTick);
    else this.slow.delete(urlPath);
    return `${this.base}${urlPath}?sv=2024&sig=secret`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const urlPath = new URL(req.url ?? '/', this.base).pathname;
    const bytes = this.files.get(urlPath);
    this.requests.push(`${urlPath} ${req.headers.range ?? ''}`.trim());
    if (!bytes) {
      res.writeHead(404).end();
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= bytes.length && range) {
      res.writeHead(416, { 'Content-Range': `bytes */${bytes.length}` }).end();
      return;
    }
    const body = bytes.subarray(start);
    res.writeHead(range ? 206 : 200, { 'Content-Length': body.length, ...(range ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}) });
    const perTick = this.slow.get(urlPath);
    const count = (n: number) => this.sent.set(urlPath, (this.sent.get(urlPath) ?? 0) + n);
    if (!perTick) {
      count(body.length);
      res.end(body);
      return;
    }
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      const chunk = body.subarray(offset, offset + perTick);
      offset += chunk.length;
      count(chunk.length);
      if (offset >= body.length) {
        clearInterval(timer);
        res.end(chunk);
      } else res.write(chunk);
    }, 50);
    res.on('close', () => clearInterval(timer));
  }
}

export interface PackageSpec {
  version: string;
  releaseCounter: number;
  files: Record<string, Buffer>;
  /** Bytes the server sends instead of the signed ones (tampering). */
  served?: Record<string, Buffer>;
  /** Deltas from the base version's files (same file names). */
  deltaFrom?: { version: string; files: Record<string, Buffer> };
  bytesPerTick?: number;
}

/** A desired `ota.command` with a really signed manifest and URLs on the package server (under `/{folder}/`). */
export async function signedCommand(id: string, spec: PackageSpec, signing: Signing, server: PackageServer, folder = 'firmware'): Promise<Record<string, unknown>> {
  const now = Date.now();
  const manifestFiles: UpdateManifest['files'] = [];
  const commandFiles: Record<string, unknown>[] = [];
  for (const [fileName, bytes] of Object.entries(spec.files)) {
    const deltas: NonNullable<UpdateManifest['files'][number]['deltas']> = [];
    const commandDeltas: { baseVersion: string; url: string; sizeInBytes: number; sha256: string }[] = [];
    const base = spec.deltaFrom?.files[fileName];
    if (spec.deltaFrom && base) {
      const delta = Buffer.from(await createDelta(base, bytes));
      const url = server.put(`/${folder}/${spec.version}/${fileName}.from-${spec.deltaFrom.version}.delta`, delta);
      deltas.push({ fileName: `${fileName}.delta`, sizeInBytes: delta.length, hashes: { sha256: sha256(delta) }, baseVersion: spec.deltaFrom.version, baseSha256: sha256(base), tool: deltaTool });
      commandDeltas.push({ baseVersion: spec.deltaFrom.version, url, sizeInBytes: delta.length, sha256: sha256(delta) });
    }
    manifestFiles.push({ fileName, sizeInBytes: bytes.length, hashes: { sha256: sha256(bytes) }, ...(deltas.length > 0 ? { deltas } : {}) });
    const url = server.put(`/${folder}/${spec.version}/${fileName}`, spec.served?.[fileName] ?? bytes, spec.bytesPerTick ? { bytesPerTick: spec.bytesPerTick } : {});
    commandFiles.push({ fileName, url, sizeInBytes: bytes.length, sha256: sha256(bytes), deltas: commandDeltas });
  }
  const manifest = manifestFor(signing.signer.keyId, {
    updateId: { provider: 'contoso', name: 'firmware', version: spec.version },
    compatibility: [{ model: 'ctl-a' }],
    instructions: { steps: [{ handler: 'copy', files: Object.keys(spec.files) }] },
    files: manifestFiles,
    prerequisites: [],
    releaseCounter: spec.releaseCounter,
    createdAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 30 * day).toISOString(),
  });
  return {
    id, kind: 'install', rolloutId: id.split(':')[0],
    update: { provider: 'contoso', name: 'firmware', version: spec.version },
    signedManifest: await signManifest(manifest, signing.signer),
    files: commandFiles,
  };
}

export interface AgentProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<AgentProcess>();

/** The built agent CLI as a child process; every one is killed by `killAllAgents` (afterAll). */
export function startAgent(args: string[]): AgentProcess {
  const child = spawn(process.execPath, [agentCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const agent: AgentProcess = {
    child,
    output: () => text,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(agent);
    },
  };
  running.add(agent);
  void exited.then(() => running.delete(agent));
  return agent;
}

export async function killAllAgents(): Promise<void> {
  await Promise.all([...running].map((agent) => agent.kill('SIGKILL')));
}

export interface OtaReport {
  commandId?: string;
  state: string;
  installedVersion: string;
  healthy: boolean;
  error: { code: string; message: string } | null;
  delivery: { kind: string; bytes: number } | null;
}

/** Every distinct reported `ota` per device, in the order the hub received them. */
export function recordReports(hub: LocalIotHub): { of(deviceId: string): OtaReport[]; stop(): void } {
  const seen = new Map<string, OtaReport[]>();
  const stop = hub.state.onChange((change) => {
    if (change.type !== 'twin' || typeof change.twin.reported.ota !== 'object' || change.twin.reported.ota === null) return;
    const list = seen.get(change.twin.deviceId) ?? [];
    const ota = structuredClone(change.twin.reported.ota) as unknown as OtaReport;
    if (JSON.stringify(list[list.length - 1]) !== JSON.stringify(ota)) list.push(ota);
    seen.set(change.twin.deviceId, list);
  });
  return { of: (deviceId) => seen.get(deviceId) ?? [], stop };
}

export function currentSlot(dataDir: string): string {
  return fs.readlinkSync(path.join(dataDir, 'current'));
}

export async function until<T>(probe: () => T | undefined | false, what: string, describe: () => string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
