import { ConfigError, readConfig } from '../../../functions/config';

describe('readConfig', () => {
  it('uses the secrets when they are set', () => {
    const config = readConfig({
      BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
      COSMOS_KEY: 'a2V5',
      COSMOS_DATABASE: 'ota',
      FLEET_PROFILE: 'fleet-profiles/demo.json',
      FLEET_STATE_FILE: '.data/fleet.jsonl',
      SIGNING_KEY_DIR: '.data/keys',
    });

    expect(config).toEqual({
      blob: { connectionString: 'UseDevelopmentStorage=true' },
      cosmos: { endpoint: 'http://127.0.0.1:8081/', key: 'a2V5', database: 'ota' },
      fleet: { simulated: { profilePath: 'fleet-profiles/demo.json', stateFile: '.data/fleet.jsonl' } },
      packages: { container: 'updates', firmwareUploadContainer: 'firmware-uploads' },
      signing: { keyDir: '.data/keys' },
      events: {},
      groupRoles: undefined,
      approvals: {},
    });
  });

  it('treats empty secrets as "use the managed identity" (how Azure sets them)', () => {
    const config = readConfig({
      BLOB_CONNECTION_STRING: '',
      BLOB_SERVICE_URL: 'https://acct.blob.core.windows.net',
      COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
      COSMOS_KEY: ' ',
      COSMOS_DATABASE: 'ota',
      IOTHUB_HOSTNAME: 'hub.azure-devices.net',
      FLEET_PROFILE: '',
      KEYVAULT_KEY_URL: 'https://kv.vault.azure.net/keys/manifest-signing/1',
      SIGNING_CERTIFICATE: 'a.b.c',
      SIGNING_TRUSTED_ROOTS: '[{"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"root"}]',
      SIGNING_KEY_DIR: '',
    });

    expect(config.blob).toEqual({ serviceUrl: 'https://acct.blob.core.windows.net' });
    expect(config.cosmos.key).toBeUndefined();
    expect(config.fleet).toEqual({ iotHub: { hostName: 'hub.azure-devices.net' } });
    expect(config.signing).toEqual({
      keyVaultKeyUrl: 'https://kv.vault.azure.net/keys/manifest-signing/1', certificate: 'a.b.c',
      trustedRoots: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'root' }], retiredCertificates: [],
    });
  });

  it('names every missing setting at once', () => {
    expect(() => readConfig({ COSMOS_DATABASE: 'ota' })).toThrow(
      new ConfigError('Missing app settings: BLOB_SERVICE_URL, COSMOS_ENDPOINT, IOTHUB_HOSTNAME'),
    );
  });
});
