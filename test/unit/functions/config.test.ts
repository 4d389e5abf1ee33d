import { ConfigError, readConfig } from '../../../functions/config';

describe('readConfig', () => {
  it('uses the secrets when they are set', () => {
    const config = readConfig({
      BLOB_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
      COSMOS_KEY: 'a2V5',
      COSMOS_DATABASE: 'ota',
      IOTHUB_CONNECTION_STRING: 'HostName=localhost:4431;SharedAccessKeyName=iothubowner;SharedAccessKey=a2V5',
      IOTHUB_CA_FILE: '.data/iothub/tls/ca.pem',
      IOTHUB_SKU: 'S3',
      IOTHUB_UNITS: '2',
      SIGNING_KEY_DIR: '.data/keys',
    });

    expect(config).toEqual({
      blob: { connectionString: 'UseDevelopmentStorage=true' },
      cosmos: { endpoint: 'http://127.0.0.1:8081/', key: 'a2V5', database: 'ota' },
      iotHub: {
        connection: { connectionString: 'HostName=localhost:4431;SharedAccessKeyName=iothubowner;SharedAccessKey=a2V5', caFile: '.data/iothub/tls/ca.pem' },
        sku: 'S3', units: 2, quotaShare: 0.9, clockScale: 1, dispatch: 'patches',
      },
      packages: { container: 'updates', firmwareUploadContainer: 'firmware-uploads' },
      signing: { keyDir: '.data/keys' },
      events: {},
      groupRoles: undefined,
      approvals: {},
      appInsights: {},
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
      IOTHUB_CONNECTION_STRING: '',
      KEYVAULT_KEY_URL: 'https://kv.vault.azure.net/keys/manifest-signing/1',
      SIGNING_CERTIFICATE: 'a.b.c',
      SIGNING_TRUSTED_ROOTS: '[{"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"root"}]',
      SIGNING_KEY_DIR: '',
    });

    expect(config.blob).toEqual({ serviceUrl: 'https://acct.blob.core.windows.net' });
    expect(config.cosmos.key).toBeUndefined();
    expect(config.iotHub).toEqual({ connection: { hostName: 'hub.azure-devices.net' }, sku: 'S1', units: 1, quotaShare: 0.9, clockScale: 1, dispatch: 'patches' });
    expect(config.signing).toEqual({
      keyVaultKeyUrl: 'https://kv.vault.azure.net/keys/manifest-signing/1', certificate: 'a.b.c',
      trustedRoots: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'root' }], retiredCertificates: [],
    });
  });

  it('refuses IoT Hub settings it cannot use, naming the setting', () => {
    const base = { BLOB_SERVICE_URL: 'https://a', COSMOS_ENDPOINT: 'https://c', COSMOS_DATABASE: 'ota', IOTHUB_HOSTNAME: 'hub.azure-devices.net' };
    expect(() => readConfig({ ...base, IOTHUB_SKU: 'F1' })).toThrow(/IOTHUB_SKU must be one of S1, S2, S3/);
    expect(() => readConfig({ ...base, IOTHUB_UNITS: '0' })).toThrow(/IOTHUB_UNITS/);
    expect(() => readConfig({ ...base, IOTHUB_QUOTA_SHARE: '1.5' })).toThrow(/IOTHUB_QUOTA_SHARE/);
    expect(() => readConfig({ ...base, IOTHUB_DISPATCH_MODE: 'mqtt' })).toThrow(/IOTHUB_DISPATCH_MODE/);
  });

  it('names every missing setting at once', () => {
    expect(() => readConfig({ COSMOS_DATABASE: 'ota' })).toThrow(
      new ConfigError('Missing app settings: BLOB_SERVICE_URL, COSMOS_ENDPOINT, IOTHUB_HOSTNAME'),
    );
  });
});
