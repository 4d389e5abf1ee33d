/**
 * The build as Azure runs it: with only the settings infra/main.bicep gives (no secrets: managed identity, the IoT
 * Hub by host name), the app registers every function it registers locally — nothing is left out or refused.
 */
import { eventually, repoRoot, startDevhost, json, type DevhostProcess } from '../support/devhost-process';

const common = {
  BLOB_CONNECTION_STRING: '',
  COSMOS_KEY: '',
  COSMOS_DATABASE: 'ota',
};

const azure = {
  ...common,
  BLOB_SERVICE_URL: 'https://stexample.blob.core.windows.net',
  COSMOS_ENDPOINT: 'https://cosmos-example.documents.azure.com:443/',
  IOTHUB_HOSTNAME: 'iot-example.azure-devices.net',
  IOTHUB_CONNECTION_STRING: '',
  IOTHUB_SKU: 'S1',
  IOTHUB_UNITS: '1',
  EVENTGRID_TOPIC_ENDPOINT: 'https://evgt-example.westeurope-1.eventgrid.azure.net/api/events',
  KEYVAULT_KEY_URL: 'https://kv-example.vault.azure.net/keys/manifest-signing/1',
  WEBSITE_HOSTNAME: 'func-example.azurewebsites.net',
  APPROVAL_LINK_SECRET: 'not-a-real-secret-only-for-this-test',
  TEAMS_WORKFLOW_URL: 'https://prod-00.westeurope.logic.azure.com/workflows/example',
};

const local = {
  ...common,
  BLOB_CONNECTION_STRING: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;',
  COSMOS_ENDPOINT: 'http://127.0.0.1:1/',
  COSMOS_KEY: 'a2V5',
  IOTHUB_CONNECTION_STRING: 'HostName=localhost:1;SharedAccessKeyName=iothubowner;SharedAccessKey=a2V5',
  SIGNING_KEY_DIR: '/tmp/ota-azure-wiring-keys',
  APPROVAL_LINK_SECRET: 'not-a-real-secret-only-for-this-test',
};

async function registeredFunctions(env: Record<string, string>): Promise<string[]> {
  let host: DevhostProcess | undefined;
  try {
    host = await startDevhost([], env, repoRoot);
    const url = host.url;
    await eventually(async () => ((await json(`${url}/admin/host/status`)).body?.state === 'Running' ? true : undefined), 20000, `the app to register its functions:\n${host.output()}`);
    const { status, body } = await json(`${host.url}/admin/functions`);
    expect(status).toBe(200);
    return (body as { name: string }[]).map((f) => f.name).sort();
  } finally {
    await host?.stop();
  }
}

it('registers every function with Azure settings, the same set as locally but for the local stand-ins\' pages', async () => {
  const [inAzure, locally] = await Promise.all([registeredFunctions(azure), registeredFunctions(local)]);
  // Locally, enterprise events and Teams cards land in pages of their own (GET /api/local/…), which Azure has no use for.
  const standInPages = ['localEvents', 'localTeamsInbox'];
  expect(locally).toEqual(expect.arrayContaining(standInPages));
  expect(inAzure).toEqual(locally.filter((name) => !standInPages.includes(name)));
  for (const name of ['health', 'rolloutOrchestrator', 'waveOrchestrator', 'dispatchBatch', 'assessWave', 'onImagePushed', 'onFirmwareUploaded']) {
    expect(inAzure).toContain(name);
  }
  expect(inAzure.length).toBeGreaterThan(30);
});
