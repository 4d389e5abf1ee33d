/**
 * Blob input/output, Cosmos DB output and Event Grid output bindings of test/fixtures/bindings-app, against Azurite,
 * the Cosmos stand-in and a local Event Grid topic (an HTTP server that checks the key), read back with the real SDKs.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { CosmosClient } from '@azure/cosmos';
import { startAzurite, type RunningAzurite } from '../../../devhost/standins/azurite';
import { startCosmos, type RunningCosmos } from '../../../devhost/standins/cosmos';
import { eventually, json, post, repoRoot, startDevhost, waitForStatus, type DevhostProcess } from '../../support/devhost-process';

const app = path.join(repoRoot, 'test/fixtures/bindings-app');
const topicKey = 'local-topic-key';

interface TopicRequest { key: string | undefined; body: unknown }

/** A stand-in Event Grid topic: records what it is sent, 401 without the right key. */
async function startTopic(): Promise<{ url: string; received: TopicRequest[]; stop(): Promise<void> }> {
  const received: TopicRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = req.headers['aeg-sas-key'] as string | undefined;
      received.push({ key, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(key === topicKey ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`,
    received,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function blobText(blobs: BlobServiceClient, container: string, name: string): Promise<string> {
  return (await blobs.getContainerClient(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
}

async function blobNames(blobs: BlobServiceClient, container: string, prefix: string): Promise<string[]> {
  const names: string[] = [];
  const client = blobs.getContainerClient(container);
  if (!(await client.exists())) return names;
  for await (const blob of client.listBlobsFlat({ prefix })) names.push(blob.name);
  return names;
}

describe('output and input bindings', () => {
  let azurite: RunningAzurite | undefined;
  let cosmos: RunningCosmos | undefined;
  let topic: Awaited<ReturnType<typeof startTopic>> | undefined;
  let host: DevhostProcess;
  let blobs: BlobServiceClient;
  let cosmosClient: CosmosClient;

  beforeAll(async () => {
    [azurite, cosmos, topic] = await Promise.all([startAzurite(), startCosmos(), startTopic()]);
    blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    cosmosClient = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
    const { database } = await cosmosClient.databases.createIfNotExists({ id: 'telemetry' });
    await database.containers.createIfNotExists({ id: 'audit', partitionKey: { paths: ['/id'] } });
    host = await startDevhost(['--azurite-blob-endpoint', azurite.blobEndpoint], {
      CosmosConnection: `AccountEndpoint=${cosmos.endpoint};AccountKey=${cosmos.key};`,
      CosmosIdentity__accountEndpoint: cosmos.endpoint,
      TOPIC_URI: topic.url,
      TOPIC_KEY: topicKey,
    }, app);
  });
  afterAll(async () => {
    await host?.stop();
    await Promise.all([azurite?.stop(), cosmos?.stop(), topic?.stop()]);
  });

  it('refuses at start-up a blob binding whose connection setting is missing, naming function, type and setting', async () => {
    const { body } = await json(`${host.url}/admin/host/status`);
    expect(body.errors).toEqual([
      expect.stringMatching(/^Error indexing function 'misconfigured': the blob binding '\w+' \(direction 'out'\): the storage connection 'MissingStorage' is not set/),
    ]);
    expect((await post(`${host.url}/api/misconfigured`)).status).toBe(404);
  });

  it('writes a blob output to Azurite (UseDevelopmentStorage=true), named from a %SETTING%, a route parameter and {rand-guid}', async () => {
    expect((await post(`${host.url}/api/archive/dev-1`, { firmware: '2.1.0' })).status).toBe(202);
    expect((await post(`${host.url}/api/archive/dev-1`, { firmware: '2.2.0' })).status).toBe(202);
    const names = await blobNames(blobs, 'archive', 'dev-1/');
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^dev-1\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/);
    const contents = await Promise.all(names.map((name) => blobText(blobs, 'archive', name)));
    expect(contents.map((text) => JSON.parse(text)).sort((a, b) => a.firmware.localeCompare(b.firmware))).toEqual([{ firmware: '2.1.0' }, { firmware: '2.2.0' }]);
  });

  it('names a blob from a JSON body property and {DateTime}; a missing property fails the invocation and writes nothing', async () => {
    const before = Date.now();
    expect((await post(`${host.url}/api/note`, { folder: 'field-notes', text: 'gateway rebooted' })).status).toBe(202);
    const [name] = await blobNames(blobs, 'notes', 'field-notes/');
    const stamp = /^field-notes\/(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.txt$/.exec(name ?? '');
    expect(stamp).not.toBeNull();
    const [, y, mo, d, h, mi, s] = stamp!.map(Number);
    expect(Math.abs(Date.UTC(y!, mo! - 1, d, h, mi, s) - before)).toBeLessThan(5000);
    expect(await blobText(blobs, 'notes', name!)).toBe('gateway rebooted');

    expect((await post(`${host.url}/api/note`, { text: 'no folder' })).status).toBe(500);
    expect(host.output()).toContain("note: the blob binding");
    expect(host.output()).toContain("No value for named parameter 'folder'.");
    expect(await blobNames(blobs, 'notes', '')).toEqual([name]);
  });

  it('reads a blob input as a Buffer, and gives undefined for a blob that does not exist', async () => {
    const container = blobs.getContainerClient('manuals');
    await container.createIfNotExists();
    await container.getBlockBlobClient('gateway.txt').upload('bytes of a manual', 17);
    const res = await fetch(`${host.url}/api/files/manuals/gateway.txt`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-is-buffer')).toBe('true');
    expect(await res.text()).toBe('bytes of a manual');
    expect((await fetch(`${host.url}/api/files/manuals/absent.txt`)).status).toBe(404);
  });

  it("writes an activity's return value through its blob output, named from the activity input", async () => {
    const { body } = await post(`${host.url}/api/startReport`, { reportId: 'rollout-7', text: '3 devices updated' });
    const done = await waitForStatus(host.url, body.instanceId);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', output: 'archived' });
    expect(await blobText(blobs, 'reports', 'rollout-7.txt')).toBe('3 devices updated');
  });

  it('upserts Cosmos DB output documents, creating database and container, and gives a document without id a GUID', async () => {
    const readings = [{ id: 'r1', deviceId: 'dev-1', celsius: 21.5 }, { deviceId: 'dev-2', celsius: 19 }];
    expect((await post(`${host.url}/api/saveReadings`, readings)).status).toBe(201);
    expect((await post(`${host.url}/api/saveReadings`, { id: 'r1', deviceId: 'dev-1', celsius: 22 })).status).toBe(201);
    const container = cosmosClient.database('telemetry').container('readings');
    const { resources } = await container.items.query<{ id: string; deviceId: string; celsius: number }>('SELECT c.id, c.deviceId, c.celsius FROM c').fetchAll();
    expect(resources.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      { id: 'r1', deviceId: 'dev-1', celsius: 22 },
      { id: expect.stringMatching(/^[0-9a-f-]{36}$/), deviceId: 'dev-2', celsius: 19 },
    ]);
    expect((await container.read()).resource?.partitionKey?.paths).toEqual(['/deviceId']);
  });

  it('writes through an identity-based Cosmos DB connection (<name>__accountEndpoint) to the stand-in', async () => {
    expect((await post(`${host.url}/api/audit`, { action: 'rollout-started' })).status).toBe(201);
    const { resources } = await cosmosClient.database('telemetry').container('audit').items.query('SELECT * FROM c').fetchAll();
    expect(resources.map((doc) => doc.action)).toEqual(['rollout-started']);
  });

  it('publishes Event Grid output events to the topic URI with the aeg-sas-key header, as one JSON array', async () => {
    expect((await post(`${host.url}/api/publish`, { devices: ['dev-1', 'dev-2'] })).status).toBe(202);
    const request = await eventually(async () => topic!.received[0], 5000, 'the topic to be called');
    expect(request.key).toBe(topicKey);
    expect(request.body).toEqual([
      expect.objectContaining({ id: 'evt-0', subject: 'devices/dev-1', eventType: 'Ota.DeviceUpdated', data: { deviceId: 'dev-1' } }),
      expect.objectContaining({ id: 'evt-1', subject: 'devices/dev-2', eventType: 'Ota.DeviceUpdated', data: { deviceId: 'dev-2' } }),
    ]);
  });
});

describe('an Event Grid topic that refuses the events', () => {
  it('fails the invocation (500) and logs the topic answer', async () => {
    const topic = await startTopic();
    let host: DevhostProcess | undefined;
    try {
      host = await startDevhost([], { TOPIC_URI: topic.url, TOPIC_KEY: 'wrong-key', CosmosConnection: 'AccountEndpoint=http://127.0.0.1:9/;AccountKey=a2V5;', CosmosIdentity__accountEndpoint: 'http://127.0.0.1:9/' }, app);
      expect((await post(`${host.url}/api/publish`, { devices: ['dev-1'] })).status).toBe(500);
      expect(topic.received).toHaveLength(1);
      expect(host.output()).toMatch(/publish: the eventGrid binding '\w+' \(direction 'out'\) failed: Publishing 1 event\(s\) to the Event Grid topic 127\.0\.0\.1:\d+ failed: 401/);
    } finally {
      await host?.stop();
      await topic.stop();
    }
  });
});
