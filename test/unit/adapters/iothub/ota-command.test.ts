import { buildCommand, checkTwinLimits, desiredPatch, type OtaCommand } from '../../../../adapters/iothub/ota-command';
import type { DesiredVersion } from '../../../../domain/fleet/fleet-port';

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON merge patch (RFC 7396), as IoT Hub applies a twin patch: null removes, objects merge, the rest replaces. */
function mergePatch(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete target[key];
    else if (isObject(value)) target[key] = mergePatch(isObject(target[key]) ? (target[key] as JsonObject) : {}, value);
    else target[key] = value;
  }
  return target;
}

const urlFor = async (path: string) => `https://store.example/updates/${path}?sig=ro`;

const install: DesiredVersion = {
  commandId: 'r-42:w1:b3:install',
  rolloutId: 'r-42',
  provider: 'contoso',
  updateName: 'line-controller',
  version: '2.0.0',
  kind: 'install',
  package: {
    signedManifest: 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
    files: [
      {
        fileName: 'line-controller-2.0.0.swu',
        path: 'contoso/line-controller/2.0.0/line-controller-2.0.0.swu',
        sizeInBytes: 8_388_608,
        sha256: 'full-hash',
        deltas: [{ baseVersion: '1.0.0', path: 'contoso/line-controller/2.0.0/line-controller-2.0.0.swu.from-1.0.0.delta', sizeInBytes: 31_522, sha256: 'delta-hash' }],
      },
      { fileName: 'app-image', sizeInBytes: 1_000, sha256: 'image-hash', deltas: [] },
    ],
  },
};

const restore: DesiredVersion = { commandId: 'r-42:w1:b3:restore', rolloutId: 'r-42', updateName: 'line-controller', version: '1.0.0', kind: 'restore' };

describe('the desired ota.command (twin contract)', () => {
  it('carries the update, the signed manifest and files with read-only URLs, sizes and hashes', async () => {
    expect(await buildCommand(install, urlFor)).toEqual({
      id: 'r-42:w1:b3:install',
      kind: 'install',
      rolloutId: 'r-42',
      update: { provider: 'contoso', name: 'line-controller', version: '2.0.0' },
      signedManifest: 'eyJhbGciOiJFUzI1NiJ9.e30.sig',
      files: [
        {
          fileName: 'line-controller-2.0.0.swu',
          url: 'https://store.example/updates/contoso/line-controller/2.0.0/line-controller-2.0.0.swu?sig=ro',
          sizeInBytes: 8_388_608,
          sha256: 'full-hash',
          deltas: [
            { baseVersion: '1.0.0', url: 'https://store.example/updates/contoso/line-controller/2.0.0/line-controller-2.0.0.swu.from-1.0.0.delta?sig=ro', sizeInBytes: 31_522, sha256: 'delta-hash' },
          ],
        },
        // a container image: no URL, the registry serves it
        { fileName: 'app-image', sizeInBytes: 1_000, sha256: 'image-hash', deltas: [] },
      ],
    });
  });

  it('has no manifest or files for an update registered without a package', async () => {
    expect(await buildCommand(restore, urlFor)).toEqual({ id: 'r-42:w1:b3:restore', kind: 'restore', rolloutId: 'r-42', update: { name: 'line-controller', version: '1.0.0' } });
  });

  it('writes a patch that leaves nothing of the previous command behind (merge-patch nulls)', async () => {
    const twin: JsonObject = {};
    mergePatch(twin, desiredPatch(await buildCommand(install, urlFor)) as unknown as JsonObject);
    mergePatch(twin, desiredPatch(await buildCommand(restore, urlFor)) as unknown as JsonObject);
    expect(twin).toEqual({ ota: { command: await buildCommand(restore, urlFor) } });
  });

  it('refuses a command the hub would refuse: over 32 KB, or a string over 4 KB', () => {
    const base: OtaCommand = { id: 'c', kind: 'install', rolloutId: 'r', update: { name: 'n', version: '1' } };
    const file = (i: number) => ({ fileName: `f${i}`, url: 'u'.repeat(3_000), sizeInBytes: 1, sha256: 'h', deltas: [] });
    expect(() => checkTwinLimits({ ...base, files: Array.from({ length: 12 }, (_, i) => file(i)) })).toThrow(/is \d+ bytes: IoT Hub takes at most 32768 bytes/);
    expect(() => checkTwinLimits({ ...base, signedManifest: 'x'.repeat(4_097) })).toThrow('command.signedManifest is 4097 bytes; IoT Hub takes at most 4096 bytes per string value');
    expect(() => checkTwinLimits({ ...base, signedManifest: 'x'.repeat(4_096) })).not.toThrow();
  });
});
