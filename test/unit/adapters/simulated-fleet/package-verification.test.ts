/**
 * Simulated devices verify signed packages as real device agents would: every attack is refused with its code, a
 * valid package installs, devices on a delta's base get the delta and fall back to the full file when it fails.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { revokeSigningKey } from '../../../../adapters/signing/key-hierarchy';
import { signManifest } from '../../../../adapters/signing/sign-manifest';
import { parseFleetProfile } from '../../../../adapters/simulated-fleet/fleet-profile';
import { SimulatedFleet, type SimulatedFleetOptions } from '../../../../adapters/simulated-fleet/simulated-fleet';
import { createDelta } from '../../../../delta';
import { canonicalJsonBytes } from '../../../../device-agent/canonical-json';
import { base64urlDecode, base64urlEncode, createJws, jwsTypes } from '../../../../device-agent/jws';
import type { DesiredVersion, PackageDelivery } from '../../../../domain/fleet/fleet-port';
import { deltaFileName, packageDelivery } from '../../../../domain/packages/package-paths';
import { after, ids, t0 } from './fleet-test-profile';
import { firmware, fullPath, makeKeys, MemoryPackageStore, publish, updateName, type Keys, type Published } from './signed-packages';

const now = new Date(t0);
const hour = 3_600_000;
const deltaPath = `contoso/${updateName}/1.1.0/${deltaFileName('plc-1.1.0.bin', '1.0.0')}`;

/** ctl-b devices on the delta's base (b-) and on an older version (c-), and ctl-a devices the update is not for. */
const profile = parseFleetProfile({
  devices: [
    { count: 4, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
    { count: 4, idPrefix: 'c-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0' },
    { count: 2, idPrefix: 'a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0' },
  ],
});

const install = (delivery: PackageDelivery, version = '1.1.0', commandId = `cmd-${version}`): DesiredVersion => ({
  commandId, rolloutId: 'r-1', updateName, version, kind: 'install', package: delivery,
});

let keys: Keys;
beforeAll(async () => { keys = await makeKeys(now); });
afterAll(async () => { await rm(keys.dir, { recursive: true, force: true }); });

interface Setup {
  store: MemoryPackageStore;
  next: Published;
  fleet: SimulatedFleet;
}

/** 1.0.0 and 1.1.0 (with a delta from 1.0.0) published and signed; a fleet that trusts the keys' root. */
async function setup(options: { trust?: () => Promise<{ roots: Keys['root'][]; revocationList?: string }>; fleet?: SimulatedFleetOptions } = {}): Promise<Setup> {
  const store = new MemoryPackageStore();
  await publish(store, keys.signer, now, '1.0.0', { releaseCounter: 1 });
  const next = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
  const packages = { trust: options.trust ?? (async () => ({ roots: [keys.root] })), download: store.download };
  return { store, next, fleet: new SimulatedFleet(profile, { ...options.fleet, packages }) };
}

async function installOn(fleet: SimulatedFleet, deviceIds: string[], desired: DesiredVersion, at = t0) {
  await fleet.applyDesired(deviceIds.map((deviceId) => ({ deviceId, desired })), at);
  return fleet.readReports(deviceIds, after(60_000, at));
}

/** The install fails at once (in the same instant) with the refusal, and the device keeps what it ran. */
async function expectRefused(fleet: SimulatedFleet, deviceId: string, desired: DesiredVersion, code: string, reason: RegExp): Promise<void> {
  const before = (await fleet.getDevice(deviceId))!.installedVersion;
  await fleet.applyDesired([{ deviceId, desired }], t0);
  const [report] = await fleet.readReports([deviceId], t0);
  expect(report).toMatchObject({ state: 'failed', installedVersion: before, commandId: desired.commandId, error: expect.stringMatching(new RegExp(`^refused \\(${code}\\): `)) });
  expect(report!.error).toMatch(reason);
  expect((await fleet.getDevice(deviceId))!.lastDelivery).toEqual({ kind: 'refused', bytes: 0, detail: report!.error });
}

/** Replaces the payload of a compact JWS, keeping its header and signature. */
function withPayload(jws: string, edit: (manifest: Record<string, unknown>) => void): string {
  const [header = '', payload = '', signature = ''] = jws.split('.');
  const manifest = JSON.parse(Buffer.from(base64urlDecode(payload) ?? []).toString('utf8')) as Record<string, unknown>;
  edit(manifest);
  return [header, base64urlEncode(canonicalJsonBytes(manifest)), signature].join('.');
}

describe('SimulatedFleet with packages: attacks are refused', () => {
  it('a manifest altered after signing (bad-signature)', async () => {
    const { fleet, next } = await setup();
    const signedManifest = withPayload(next.signedManifest, (manifest) => { manifest.releaseCounter = 99; });
    await expectRefused(fleet, 'b-0', install({ ...next.delivery, signedManifest }), 'bad-signature', /altered after signing/);
  });

  it('a key certified by a root the device does not trust (untrusted-certificate)', async () => {
    const { fleet, next } = await setup();
    const other = await makeKeys(now);
    try {
      const manifest = { ...next.manifest, provenance: { ...next.manifest.provenance, signerKeyId: other.signer.keyId } };
      const delivery = packageDelivery(manifest, await signManifest(manifest, other.signer));
      await expectRefused(fleet, 'b-0', install(delivery), 'untrusted-certificate', new RegExp(`${other.root.kid}, which is not a trusted root`));
    } finally {
      await rm(other.dir, { recursive: true, force: true });
    }
  });

  it('a manifest naming another key than its certificate (unknown-key)', async () => {
    const { fleet, next } = await setup();
    const signedManifest = await createJws(
      { kid: 'someone-else', typ: jwsTypes.manifest, 'x-cert': keys.signer.certificate },
      canonicalJsonBytes(next.manifest),
      (data) => keys.signer.sign(data),
    );
    await expectRefused(fleet, 'b-0', install({ ...next.delivery, signedManifest }), 'unknown-key', /names signing key someone-else/);
  });

  it('a manifest signed by a revoked key (revoked-key)', async () => {
    const revoked = await makeKeys(now);
    try {
      const { revocationList: listPath, rootPublicJwk } = revoked.paths;
      await revokeSigningKey({ rootDir: path.dirname(rootPublicJwk), kid: revoked.signer.keyId, listPath, now });
      const { fleet, store } = await setup({ trust: async () => ({ roots: [revoked.root], revocationList: readFileSync(listPath, 'utf8').trim() }) });
      const next = await publish(store, revoked.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
      await expectRefused(fleet, 'b-0', install(next.delivery), 'revoked-key', new RegExp(`signing key ${revoked.signer.keyId} is revoked`));
    } finally {
      await rm(revoked.dir, { recursive: true, force: true });
    }
  });

  it('an expired manifest, replayed after its expiry (expired)', async () => {
    const { fleet, store } = await setup();
    const overrides = { createdAt: new Date(now.getTime() - 12 * hour).toISOString(), expiresAt: new Date(now.getTime() - hour).toISOString() };
    const stale = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, overrides });
    await expectRefused(fleet, 'b-0', install(stale.delivery), 'expired', /expired at/);
  });

  it('a release counter below the installed one (downgrade)', async () => {
    const { fleet, next, store } = await setup();
    expect((await installOn(fleet, ['b-0'], install(next.delivery)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
    const older = await publish(store, keys.signer, now, '1.2.0', { releaseCounter: 1 });
    await expectRefused(fleet, 'b-0', install(older.delivery, '1.2.0'), 'downgrade', /release counter 1 .* not above the installed 2/);
  });

  it('a stored file that is not the signed one (file-mismatch)', async () => {
    const { fleet, next, store } = await setup();
    const swapped = new Uint8Array(firmware('1.1.0'));
    swapped[100] = (swapped[100]! + 1) % 256;
    store.files.set(fullPath('1.1.0'), swapped);
    await expectRefused(fleet, 'c-0', install(next.delivery), 'file-mismatch', /swapped or corrupted/);
  });

  it('an update for another model (incompatible)', async () => {
    const { fleet, next } = await setup();
    await expectRefused(fleet, 'a-0', install(next.delivery), 'incompatible', /device model ctl-a matches none/);
  });

  it('a command whose package is of another version', async () => {
    const { fleet, next } = await setup();
    await expectRefused(fleet, 'b-0', install(next.delivery, '1.2.0'), 'malformed', /installs plc-firmware 1\.2\.0, the signed manifest is plc-firmware 1\.1\.0/);
  });

  it('any package when the fleet has no trust anchors (signing not set up)', async () => {
    const { fleet, next } = await setup({ trust: async () => { throw new Error('Manifest signing is not set up'); } });
    await expectRefused(fleet, 'b-0', install(next.delivery), 'untrusted-certificate', /no trust anchors: Manifest signing is not set up/);
  });
});

describe('SimulatedFleet with packages: delivery', () => {
  it('installs a valid package: a delta for devices on its base, the full file for the others, each fetched once', async () => {
    const { fleet, next, store } = await setup();
    const devices = [...ids('b-', 4), ...ids('c-', 4)];
    const reports = await installOn(fleet, devices, install(next.delivery));
    expect(reports.every((r) => r.state === 'succeeded' && r.installedVersion === '1.1.0')).toBe(true);

    const deltaBytes = next.manifest.files[0]!.deltas![0]!.sizeInBytes;
    expect(deltaBytes).toBeLessThan(firmware('1.1.0').length / 10);
    for (const id of ids('b-', 4)) expect((await fleet.getDevice(id))!.lastDelivery).toEqual({ kind: 'delta', bytes: deltaBytes, detail: 'plc-1.1.0.bin: delta from 1.0.0' });
    for (const id of ids('c-', 4)) expect((await fleet.getDevice(id))!.lastDelivery).toEqual({ kind: 'full', bytes: firmware('1.1.0').length });
    expect(store.downloads.filter((p) => p === deltaPath)).toHaveLength(1);
    expect(store.downloads.filter((p) => p === fullPath('1.1.0'))).toHaveLength(1);
  });

  it.each([
    ['the stored delta is not the signed one', async (prepared: Setup) => {
      prepared.store.files.set(deltaPath, new Uint8Array(2_000).fill(7));
      return { delivery: prepared.next.delivery, downloaded: 2_000, reason: /the delta is not the signed one/ };
    }],
    ['the signed delta does not rebuild the signed file', async (prepared: Setup) => {
      // A broken build: the delta was made from another base than the one it is signed for.
      const wrong = await createDelta(firmware('0.9.0'), firmware('1.1.0'));
      const signed = prepared.next.manifest.files[0]!;
      const hashes = { sha256: createHash('sha256').update(wrong).digest('base64') };
      const manifest = { ...prepared.next.manifest, files: [{ ...signed, deltas: [{ ...signed.deltas![0]!, sizeInBytes: wrong.length, hashes }] }] };
      prepared.store.files.set(deltaPath, wrong);
      return { delivery: packageDelivery(manifest, await signManifest(manifest, keys.signer)), downloaded: wrong.length, reason: /rebuilt file has SHA-256/ };
    }],
  ])('falls back to the full file and installs when %s', async (_label, breakDelta) => {
    const prepared = await setup();
    const { delivery, downloaded, reason } = await breakDelta(prepared);
    expect((await installOn(prepared.fleet, ['b-0'], install(delivery)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
    const { lastDelivery } = (await prepared.fleet.getDevice('b-0'))!;
    expect(lastDelivery).toEqual({ kind: 'full', bytes: downloaded + firmware('1.1.0').length, detail: expect.stringMatching(reason) });
    expect(lastDelivery!.detail).toMatch(/delta from 1\.0\.0 unusable .*took the full file/);
  });

  it('a restore brings back the counter of the version restored, so the update can be offered again', async () => {
    const { fleet, next } = await setup();
    await installOn(fleet, ['b-0'], install(next.delivery));
    await expectRefused(fleet, 'b-0', install(next.delivery, '1.1.0', 'cmd-again'), 'downgrade', /release counter 2 .* not above the installed 2/);
    const restore: DesiredVersion = { commandId: 'cmd-restore', rolloutId: 'r-1', updateName: '', version: '1.0.0', kind: 'restore' };
    expect((await installOn(fleet, ['b-0'], restore, after(hour)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.0.0' });
    expect((await installOn(fleet, ['b-0'], install(next.delivery, '1.1.0', 'cmd-retry'), after(2 * hour)))[0]).toMatchObject({ state: 'succeeded', installedVersion: '1.1.0' });
  });

  it('commands without a package install as before', async () => {
    const { fleet, store } = await setup();
    const plain: DesiredVersion = { commandId: 'cmd-plain', rolloutId: 'r-1', updateName, version: '2.0.0', kind: 'install' };
    expect((await installOn(fleet, ['a-0'], plain))[0]).toMatchObject({ state: 'succeeded', installedVersion: '2.0.0' });
    expect((await fleet.getDevice('a-0'))!.lastDelivery).toBeUndefined();
    expect(store.downloads).toEqual([]);
  });
});

describe('SimulatedFleet with packages and a state file', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'simulated-fleet-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps deliveries and release counters across a restart, without downloading again', async () => {
    const stateFile = path.join(dir, 'fleet.jsonl');
    const { fleet, next, store } = await setup({ fleet: { stateFile } });
    await installOn(fleet, ['b-0', 'c-0'], install(next.delivery));
    const older = await publish(store, keys.signer, now, '1.2.0', { releaseCounter: 1 });

    const empty = new MemoryPackageStore();
    const restarted = new SimulatedFleet(profile, { stateFile, packages: { trust: async () => ({ roots: [keys.root] }), download: empty.download } });
    for (const id of ['b-0', 'c-0']) expect(await restarted.getDevice(id)).toEqual(await fleet.getDevice(id));
    expect((await restarted.getDevice('b-0'))!.lastDelivery).toMatchObject({ kind: 'delta' });
    expect(empty.downloads).toEqual([]);
    await expectRefused(restarted, 'b-0', install(older.delivery, '1.2.0'), 'downgrade', /not above the installed 2/);
  });
});

describe('SimulatedFleet with packages at scale', () => {
  it('verifies a 20,000-device batch once per distinct device state', async () => {
    const store = new MemoryPackageStore();
    await publish(store, keys.signer, now, '1.0.0', { releaseCounter: 1 });
    const next = await publish(store, keys.signer, now, '1.1.0', { releaseCounter: 2, deltaFrom: ['1.0.0'] });
    const big = parseFleetProfile({
      devices: [
        { count: 10_000, idPrefix: 'b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0' },
        { count: 10_000, idPrefix: 'c-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '0.9.0' },
      ],
    });
    let trusted = 0;
    const fleet = new SimulatedFleet(big, { packages: { trust: async () => { trusted++; return { roots: [keys.root] }; }, download: store.download } });
    const devices = [...ids('b-', 10_000), ...ids('c-', 10_000)];
    expect(await fleet.applyDesired(devices.map((deviceId) => ({ deviceId, desired: install(next.delivery) })), t0)).toEqual({ sent: 20_000, alreadyApplied: 0 });
    const reports = await fleet.readReports(devices, after(60_000));
    expect(reports.filter((r) => r.state === 'succeeded')).toHaveLength(20_000);
    expect(trusted).toBe(1);
    expect(store.downloads.filter((p) => p === deltaPath || p === fullPath('1.1.0'))).toHaveLength(2);
  });
});
