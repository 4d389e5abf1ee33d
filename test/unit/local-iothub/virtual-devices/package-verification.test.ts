/**
 * Virtual devices verify signed packages as real device agents do: every attack is refused with its code, a valid
 * package installs, devices on a delta's base get the delta (files over HTTP) and fall back to the full file when
 * it fails; a batch verifies once per device state and downloads once per command and base version.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { revokeSigningKey } from '../../../../adapters/signing/key-hierarchy';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { createDelta } from '../../../../delta';
import { canonicalJsonBytes } from '../../../../common/canonical-json';
import { decodeBase64url, encodeBase64url } from '../../../../common/base64url';
import { createJws, jwsTypes } from '../../../../device-agent/jws';
import { parseFleetProfile } from '../../../../local-iothub/virtual-devices/fleet-profile';
import type { VirtualFleetOptions } from '../../../../local-iothub/virtual-devices/virtual-fleet';
import { ids, ota, restart, send, startHub, stopAll, t0, type Command, type Hub } from './hub-fixture';
import { deltaPath, firmware, folderOf, fullPath, makeKeys, packageCommand, PackageServer, publish, updateName, type Keys, type Published } from './signed-packages';

const now = new Date(t0);
const hour = 3_600_000;

/** ctl-b devices on the delta's base (b-) and on an older version (c-), and ctl-a devices the update is not for. */
const profile = parseFleetProfile({
  devices: [
    { count: 4, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName },
    { count: 4, idPrefix: 'c-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0', updateName },
    { count: 2, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
  ],
});

let keys: Keys;
const store = new PackageServer();
beforeAll(async () => {
  keys = await makeKeys(now);
  await store.start();
});
afterAll(async () => {
  await store.stop();
  await rm(keys.dir, { recursive: true, force: true });
});
beforeEach(() => {
  store.files.clear();
  store.downloads.length = 0;
  store.sasScope = 'container';
});
afterEach(stopAll);

interface Setup extends Hub {
  next: Published;
  log: string[];
}

const command = (published: Published, options: { id?: string; version?: string } = {}): Command =>
  packageCommand(store, published.manifest, published.signedManifest, options);

/** 1.0.0 and 1.1.0 (with a delta from 1.0.0) published and signed; a fleet that trusts the keys' root. */
async function setup(options: VirtualFleetOptions = {}): Promise<Setup> {
  await publish(store, keys.signer, now, '1.0.0', { releaseCounter: 1 });
  const next = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
  const log: string[] = [];
  const hub = startHub(profile, { trust: async () => ({ roots: [keys.root] }), log: (line) => log.push(line), ...options });
  return { ...hub, next, log };
}

/** Sends the command, waits for the devices' downloads and settles a minute later. */
async function installOn(hub: Hub, deviceIds: string[], sent: Command) {
  send(hub.state, deviceIds, sent);
  await hub.fleet.idle();
  hub.clock.advance(60_000);
  return deviceIds.map((id) => ota(hub.state, id));
}

/** The install fails as soon as the package is checked, and the device keeps what it ran. */
async function expectRefused(hub: Hub, deviceId: string, sent: Command, code: string, reason: RegExp): Promise<void> {
  const before = ota(hub.state, deviceId).installedVersion;
  const at = new Date(hub.clock.ms).toISOString();
  send(hub.state, [deviceId], sent);
  expect(ota(hub.state, deviceId)).toMatchObject({ commandId: sent.id, state: sent.files?.length ? 'downloading' : 'installing', at });
  await hub.fleet.idle();
  const report = ota(hub.state, deviceId);
  expect(report).toMatchObject({ commandId: sent.id, state: 'failed', installedVersion: before, delivery: { kind: 'refused', bytes: 0 }, error: { code }, at });
  expect((report.error as { message: string }).message).toMatch(reason);
}

/** Replaces the payload of a compact JWS, keeping its header and signature. */
function withPayload(jws: string, edit: (manifest: Record<string, unknown>) => void): string {
  const [header = '', payload = '', signature = ''] = jws.split('.');
  const manifest = JSON.parse(Buffer.from(decodeBase64url(payload) ?? []).toString('utf8')) as Record<string, unknown>;
  edit(manifest);
  return [header, encodeBase64url(canonicalJsonBytes(manifest)), signature].join('.');
}

describe('virtual devices and signed packages: attacks are refused', () => {
  it('a manifest altered after signing (bad-signature)', async () => {
    const hub = await setup();
    const signedManifest = withPayload(hub.next.signedManifest, (manifest) => { manifest.releaseCounter = 99; });
    await expectRefused(hub, 'b-0', { ...command(hub.next), signedManifest }, 'bad-signature', /altered after signing/);
  });

  it('a key certified by a root the device does not trust (untrusted-certificate)', async () => {
    const hub = await setup();
    const other = await makeKeys(now);
    try {
      const manifest = { ...hub.next.manifest, provenance: { ...hub.next.manifest.provenance, signerKeyId: other.signer.keyId } };
      const sent = packageCommand(store, manifest, await signManifest(manifest, other.signer));
      await expectRefused(hub, 'b-0', sent, 'untrusted-certificate', new RegExp(`${other.root.kid}, which is not a trusted root`));
    } finally {
      await rm(other.dir, { recursive: true, force: true });
    }
  });

  it('a manifest naming another key than its certificate (unknown-key)', async () => {
    const hub = await setup();
    const signedManifest = await createJws(
      { kid: 'someone-else', typ: jwsTypes.manifest, 'x-cert': keys.signer.certificate },
      canonicalJsonBytes(hub.next.manifest),
      (data) => keys.signer.sign(data),
    );
    await expectRefused(hub, 'b-0', { ...command(hub.next), signedManifest }, 'unknown-key', /names signing key someone-else/);
  });

  it('a manifest signed by a revoked key (revoked-key)', async () => {
    const revoked = await makeKeys(now);
    try {
      const { revocationList: listPath, rootPublicJwk } = revoked.paths;
      await revokeSigningKey({ rootDir: path.dirname(rootPublicJwk), kid: revoked.signer.keyId, listPath, now });
      const hub = await setup({ trust: async () => ({ roots: [revoked.root], revocationList: readFileSync(listPath, 'utf8').trim() }) });
      const next = await publish(store, revoked.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
      await expectRefused(hub, 'b-0', command(next), 'revoked-key', new RegExp(`signing key ${revoked.signer.keyId} is revoked`));
    } finally {
      await rm(revoked.dir, { recursive: true, force: true });
    }
  });

  it('an expired manifest, replayed after its expiry (expired)', async () => {
    const hub = await setup();
    const overrides = { createdAt: new Date(now.getTime() - 12 * hour).toISOString(), expiresAt: new Date(now.getTime() - hour).toISOString() };
    const stale = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, overrides });
    await expectRefused(hub, 'b-0', command(stale), 'expired', /expired at/);
  });

  it('a release counter below the installed one (downgrade)', async () => {
    const hub = await setup();
    expect((await installOn(hub, ['b-0'], command(hub.next)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
    const older = await publish(store, keys.signer, now, '1.2.0', { releaseCounter: 1 });
    await expectRefused(hub, 'b-0', command(older), 'downgrade', /release counter 1 .* not above the installed 2/);
  });

  it('a stored file that is not the signed one (file-mismatch)', async () => {
    const hub = await setup();
    const swapped = new Uint8Array(firmware('1.1.0'));
    swapped[100] = (swapped[100]! + 1) % 256;
    store.files.set(fullPath('1.1.0'), swapped);
    await expectRefused(hub, 'c-0', command(hub.next), 'file-mismatch', /swapped or corrupted/);
  });

  it('a command that leaves out a signed file (file-mismatch)', async () => {
    const hub = await setup();
    await expectRefused(hub, 'c-0', { ...command(hub.next), files: [] }, 'file-mismatch', /listed in the signed manifest is not in the command/);
  });

  it('an update for another model (incompatible)', async () => {
    const hub = await setup();
    await expectRefused(hub, 'a-0', command(hub.next), 'incompatible', /device model ctl-a matches none/);
  });

  it('a command whose package is of another version (malformed)', async () => {
    const hub = await setup();
    await expectRefused(hub, 'b-0', command(hub.next, { version: '1.2.0' }), 'malformed', /installs plc-firmware 1\.2\.0, the signed manifest is plc-firmware 1\.1\.0/);
  });

  it('files without a signed manifest (malformed)', async () => {
    const hub = await setup();
    const { signedManifest: _dropped, ...unsigned } = command(hub.next);
    await expectRefused(hub, 'b-0', unsigned as Command, 'malformed', /no signed manifest/);
  });

  it('any package when the hub has no trust anchors (untrusted-certificate)', async () => {
    const hub = await setup({ trust: async () => { throw new Error('Manifest signing is not set up'); } });
    await expectRefused(hub, 'b-0', command(hub.next), 'untrusted-certificate', /no trust anchors: Manifest signing is not set up/);
    const untrusting = startHub(profile);
    await expectRefused(untrusting, 'b-0', command(hub.next), 'untrusted-certificate', /no trust anchors/);
    expect(store.downloads).toEqual([]);
  });

  it('a file that cannot be downloaded (download-failed)', async () => {
    const hub = await setup();
    store.files.delete(fullPath('1.1.0'));
    await expectRefused(hub, 'c-0', command(hub.next), 'download-failed', /plc-1\.1\.0\.bin cannot be downloaded: HTTP 404/);
  });
});

describe('virtual devices and signed packages: delivery', () => {
  it('installs a valid package: a delta for devices on its base, the full file for the others, each fetched once', async () => {
    const hub = await setup();
    const devices = [...ids('b-', 4), ...ids('c-', 4)];
    send(hub.state, devices, command(hub.next));
    await hub.fleet.idle();
    const deltaBytes = hub.next.manifest.files[0]!.deltas![0]!.sizeInBytes;
    expect(deltaBytes).toBeLessThan(firmware('1.1.0').length / 10);
    expect(ota(hub.state, 'b-0')).toMatchObject({ state: 'installing', installedVersion: '1.0.0', delivery: { kind: 'delta', bytes: deltaBytes } });

    hub.clock.advance(60_000);
    for (const id of ids('b-', 4)) expect(ota(hub.state, id)).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', delivery: { kind: 'delta', bytes: deltaBytes }, at: new Date(now.getTime() + 500).toISOString() });
    for (const id of ids('c-', 4)) expect(ota(hub.state, id)).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', delivery: { kind: 'full', bytes: firmware('1.1.0').length } });
    expect(ota(hub.state, 'b-0').software).toEqual({ [updateName]: '1.1.0' });
    expect(store.downloadsOf(deltaPath('1.1.0', '1.0.0'))).toBe(1);
    expect(store.downloadsOf(fullPath('1.1.0'))).toBe(1);
    // The base a delta applies to: from the device's own version folder, found next to the delta.
    expect(store.downloadsOf(`${folderOf('1.0.0')}/manifest.json`)).toBe(1);
    expect(hub.state.requireTwin('b-0').reported.virtualAgent).toEqual({ commands: ['cmd-1.1.0'], releaseCounters: [{ update: updateName, version: '1.1.0', counter: 2 }] });
  });

  it.each([
    ['the stored delta is not the signed one', async () => {
      store.files.set(deltaPath('1.1.0', '1.0.0'), new Uint8Array(2_000).fill(7));
      return { downloaded: 2_000, reason: /the delta is not the signed one/, signed: undefined };
    }],
    ['the signed delta does not rebuild the signed file', async (hub: Setup) => {
      // A broken build: the delta was made from another base than the one it is signed for.
      const wrong = await createDelta(firmware('0.9.0'), firmware('1.1.0'));
      const file = hub.next.manifest.files[0]!;
      const hashes = { sha256: createHash('sha256').update(wrong).digest('base64') };
      const manifest = { ...hub.next.manifest, files: [{ ...file, deltas: [{ ...file.deltas![0]!, sizeInBytes: wrong.length, hashes }] }] };
      store.files.set(deltaPath('1.1.0', '1.0.0'), wrong);
      return { downloaded: wrong.length, reason: /rebuilt file has SHA-256/, signed: { manifest, signedManifest: await signManifest(manifest, keys.signer) } };
    }],
    ['the base version’s files are out of reach', async () => {
      store.files.delete(`${folderOf('1.0.0')}/manifest.json`);
      return { downloaded: store.files.get(deltaPath('1.1.0', '1.0.0'))!.length, reason: /manifest of 1\.0\.0: HTTP 404/, signed: undefined };
    }],
  ])('falls back to the full file and installs when %s', async (_label, breakDelta: (hub: Setup) => Promise<{ downloaded: number; reason: RegExp; signed: Published | undefined }>) => {
    const hub = await setup();
    const { downloaded, reason, signed } = await breakDelta(hub);
    const [report] = await installOn(hub, ['b-0'], command(signed ?? hub.next));
    // The delta was downloaded too before the device gave up on it: it counts.
    expect(report).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', delivery: { kind: 'full', bytes: downloaded + firmware('1.1.0').length } });
    expect(hub.log.join('\n')).toMatch(reason);
    expect(hub.log.join('\n')).toMatch(/delta from 1\.0\.0 unusable .*took the full file/);
  });

  it('with per-blob SAS URLs, reads the delta’s base from the package store it is given', async () => {
    store.sasScope = 'blob';
    const cut = await setup();
    expect((await installOn(cut, ['b-0'], command(cut.next)))[0]).toMatchObject({ state: 'succeeded', delivery: { kind: 'full' } });
    expect(cut.log.join('\n')).toMatch(/manifest of 1\.0\.0: HTTP 403/);

    const read: string[] = [];
    const packageStore = async (storePath: string) => (read.push(storePath), store.files.get(storePath));
    const hub = await setup({ packageStore });
    const deltaBytes = hub.next.manifest.files[0]!.deltas![0]!.sizeInBytes;
    expect((await installOn(hub, ['b-0'], command(hub.next)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', delivery: { kind: 'delta', bytes: deltaBytes } });
    expect(read).toEqual([`${folderOf('1.0.0')}/manifest.json`, fullPath('1.0.0')]);
  });

  it('a restore brings back the counter of the version restored, so the update can be offered again', async () => {
    const hub = await setup();
    await installOn(hub, ['b-0'], command(hub.next));
    await expectRefused(hub, 'b-0', command(hub.next, { id: 'cmd-again' }), 'downgrade', /release counter 2 .* not above the installed 2/);
    await installOn(hub, ['b-0'], { id: 'cmd-restore', kind: 'restore', update: { name: updateName, version: '1.0.0' } });
    expect(ota(hub.state, 'b-0')).toMatchObject({ state: 'succeeded', installedVersion: '1.0.0' });
    expect((await installOn(hub, ['b-0'], command(hub.next, { id: 'cmd-retry' })))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
  });

  it('commands without a package install without downloading', async () => {
    const hub = await setup();
    const [report] = await installOn(hub, ['a-0'], { id: 'cmd-plain', update: { name: updateName, version: '2.0.0' } });
    expect(report).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0' });
    expect(report!.delivery).toBeUndefined();
    expect(store.downloads).toEqual([]);
  });
});

describe('virtual devices and signed packages across a restart (kill -9)', () => {
  it('keeps release counters and deliveries in the twins, without downloading again', async () => {
    const hub = await setup();
    await installOn(hub, ['b-0', 'c-0'], command(hub.next));
    const older = await publish(store, keys.signer, now, '1.2.0', { releaseCounter: 1 });
    store.downloads.length = 0;

    const restarted = restart(hub, profile, { trust: async () => ({ roots: [keys.root] }) });
    expect(ota(restarted.state, 'b-0')).toMatchObject({ state: 'succeeded', delivery: { kind: 'delta' } });
    await expectRefused(restarted, 'b-0', command(older), 'downgrade', /not above the installed 2/);
    expect(store.downloads).toEqual([]);
  });

  it('downloads again a package it was downloading, and finishes at accept time + installTime', async () => {
    const hub = await setup({ fetch: () => new Promise<Response>(() => undefined) });
    send(hub.state, ['b-0'], command(hub.next));
    hub.clock.advance(hour);
    expect(ota(hub.state, 'b-0')).toMatchObject({ state: 'downloading' });

    const restarted = restart(hub, profile, { trust: async () => ({ roots: [keys.root] }) });
    await restarted.fleet.idle();
    expect(ota(restarted.state, 'b-0')).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0', delivery: { kind: 'delta' }, at: new Date(now.getTime() + hour).toISOString() });
  });
});

describe('virtual devices and signed packages at scale', () => {
  it('verifies a 20,000-device batch once per distinct device state, downloading once per base version', async () => {
    await publish(store, keys.signer, now, '1.0.0', { releaseCounter: 1 });
    const next = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
    const big = parseFleetProfile({
      devices: [
        { count: 10_000, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName },
        { count: 10_000, idPrefix: 'c-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0', updateName },
      ],
    });
    let trusted = 0;
    const hub = startHub(big, { trust: async () => { trusted++; return { roots: [keys.root] }; } });
    const devices = [...ids('b-', 10_000), ...ids('c-', 10_000)];
    await installOn(hub, devices, command(next));
    expect(devices.filter((id) => ota(hub.state, id).state === 'succeeded')).toHaveLength(20_000);
    expect(trusted).toBe(1);
    expect(store.downloadsOf(deltaPath('1.1.0', '1.0.0'))).toBe(1);
    expect(store.downloadsOf(fullPath('1.1.0'))).toBe(1);
  });
});
