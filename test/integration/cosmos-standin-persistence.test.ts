/**
 * The Cosmos stand-in with a data folder keeps what @azure/cosmos wrote across a clean stop and across
 * `kill -9`, and answers queries on it as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BulkOperationType, CosmosClient, type Container } from '@azure/cosmos';
import { startCosmos, type RunningCosmos } from '../../devhost/standins/cosmos';

const cosmosModule = path.resolve(__dirname, '../../devhost/standins/cosmos.ts');
const tempDirs: string[] = [];
const running = new Set<RunningCosmos>();
const children = new Set<ChildProcess>();
const clients = new Set<CosmosClient>();

afterEach(async () => {
  clients.forEach((client) => client.dispose());
  clients.clear();
  for (const child of children) child.kill('SIGKILL');
  await Promise.allSettled([...running].map((cosmos) => cosmos.stop()));
  running.clear();
});

afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ota-cosmos-'));
  tempDirs.push(dir);
  return dir;
}

async function start(dataDir: string): Promise<RunningCosmos> {
  const cosmos = await startCosmos({ dataDir });
  running.add(cosmos);
  return cosmos;
}

async function stop(cosmos: RunningCosmos): Promise<void> {
  running.delete(cosmos);
  await cosmos.stop();
}

/**
 * The stand-in in a child process (the TypeScript source, transpiled on load), so it can be SIGKILLed.
 * Resolves once it listens; `kill9()` resolves once it is gone.
 */
async function startChild(dataDir: string): Promise<{ endpoint: string; kill9(): Promise<void> }> {
  const script = `
    const fs = require('node:fs');
    const ts = require('typescript');
    require.extensions['.ts'] = (module, filename) => {
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      module._compile(ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options }).outputText, filename);
    };
    require(process.env.COSMOS_MODULE).startCosmos({ dataDir: process.env.COSMOS_DATA })
      .then((cosmos) => console.log('listening ' + cosmos.endpoint), (err) => { console.error(err); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '../..'),
    env: { ...process.env, COSMOS_MODULE: cosmosModule, COSMOS_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => (children.delete(child), resolve())));
  let output = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stand-in did not start:\n${output}`)), 20000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (http:\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`stand-in exited with ${code}:\n${output}`))));
  });
  return {
    endpoint,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function connect(endpoint: string): CosmosClient {
  const client = new CosmosClient({ endpoint, key: 'dGVzdA==', connectionPolicy: { enableEndpointDiscovery: false } });
  clients.add(client);
  return client;
}

async function devices(endpoint: string): Promise<Container> {
  const { database } = await connect(endpoint).databases.createIfNotExists({ id: 'ota' });
  const { container } = await database.containers.createIfNotExists({ id: 'devices', partitionKey: { paths: ['/site'] } });
  return container;
}

async function idsAt(container: Container, site: string): Promise<string[]> {
  const { resources } = await container.items
    .query<{ id: string }>({ query: 'SELECT c.id FROM c WHERE c.site = @site ORDER BY c.id', parameters: [{ name: '@site', value: site }] }, { partitionKey: site })
    .fetchAll();
  return resources.map((r) => r.id);
}

describe('Cosmos stand-in with a data folder', () => {
  it('keeps every kind of write across a stop and start', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const container = await devices(first.endpoint);
    await container.items.create({ id: 'a-0', site: 'plant-a', version: '1.0.0' });
    await container.items.create({ id: 'a-1', site: 'plant-a', version: '1.0.0' });
    await container.items.upsert({ id: 'b-0', site: 'plant-b', version: '1.0.0' });
    // The same id in another partition is another document.
    await container.items.create({ id: 'a-0', site: 'plant-b', version: '9.9.9' });
    await container.item('a-1', 'plant-a').replace({ id: 'a-1', site: 'plant-a', version: '2.0.0' });
    await container.item('b-0', 'plant-b').patch([{ op: 'set', path: '/version', value: '2.0.1' }]);
    await container.items.create({ id: 'gone', site: 'plant-a', version: '1.0.0' });
    await container.item('gone', 'plant-a').delete();
    const bulk = await container.items.executeBulkOperations([
      { operationType: BulkOperationType.Create, partitionKey: 'plant-c', resourceBody: { id: 'c-0', site: 'plant-c' } },
      { operationType: BulkOperationType.Create, partitionKey: 'plant-c', resourceBody: { id: 'c-1', site: 'plant-c' } },
      { operationType: BulkOperationType.Delete, id: 'a-0', partitionKey: 'plant-b' },
    ]);
    expect(bulk.map((result) => result.response?.statusCode)).toEqual([201, 201, 204]);
    const { database } = await connect(first.endpoint).databases.createIfNotExists({ id: 'scratch' });
    await database.containers.createIfNotExists({ id: 'dropped' });
    await database.delete();
    await stop(first);

    const second = await start(dataDir);
    const restored = await devices(second.endpoint);
    expect(await idsAt(restored, 'plant-a')).toEqual(['a-0', 'a-1']);
    expect(await idsAt(restored, 'plant-b')).toEqual(['b-0']);
    expect(await idsAt(restored, 'plant-c')).toEqual(['c-0', 'c-1']);
    expect((await restored.item('a-1', 'plant-a').read<{ version: string }>()).resource?.version).toBe('2.0.0');
    expect((await restored.item('b-0', 'plant-b').read<{ version: string }>()).resource?.version).toBe('2.0.1');
    expect((await restored.item('gone', 'plant-a').read()).statusCode).toBe(404);
    const { resources: databases } = await connect(second.endpoint).databases.readAll().fetchAll();
    expect(databases.map((d) => d.id)).toEqual(['ota']);

    // Restored documents take part in etag checks and conflicts as before.
    const { resource: current } = await restored.item('a-0', 'plant-a').read<{ id: string; site: string }>();
    await restored.item('a-0', 'plant-a').replace({ ...current!, version: '3.0.0' }, { accessCondition: { type: 'IfMatch', condition: current!._etag } });
    await expect(
      restored.item('a-0', 'plant-a').replace({ ...current!, version: '4.0.0' }, { accessCondition: { type: 'IfMatch', condition: current!._etag } }),
    ).rejects.toMatchObject({ code: 412 });
    await expect(restored.items.create({ id: 'a-0', site: 'plant-a' })).rejects.toMatchObject({ code: 409 });
    const { resources: counted } = await restored.items.query<number>('SELECT VALUE COUNT(1) FROM c').fetchAll();
    expect(counted).toEqual([5]);
  });

  it('keeps what was acknowledged before a kill -9, across repeated crashes', async () => {
    const dataDir = tempDir();
    const first = await startChild(dataDir);
    let container = await devices(first.endpoint);
    for (let i = 0; i < 20; i += 1) await container.items.create({ id: `a-${i}`, site: 'plant-a', n: i });
    await container.item('a-3', 'plant-a').replace({ id: 'a-3', site: 'plant-a', n: 300 });
    await first.kill9();

    const second = await startChild(dataDir);
    container = await devices(second.endpoint);
    expect(await idsAt(container, 'plant-a')).toHaveLength(20);
    await container.items.create({ id: 'b-0', site: 'plant-b', n: 0 });
    await container.item('a-0', 'plant-a').delete();
    await second.kill9();

    const third = await start(dataDir);
    container = await devices(third.endpoint);
    expect(await idsAt(container, 'plant-a')).toEqual(Array.from({ length: 19 }, (_, i) => `a-${i + 1}`).sort());
    expect(await idsAt(container, 'plant-b')).toEqual(['b-0']);
    const { resources } = await container.items
      .query<number>({ query: 'SELECT VALUE c.n FROM c WHERE c.site = @site AND c.id = @id', parameters: [{ name: '@site', value: 'plant-a' }, { name: '@id', value: 'a-3' }] })
      .fetchAll();
    expect(resources).toEqual([300]);
  });

  it('ignores a record torn by a crash mid-write and keeps the rest', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    await (await devices(first.endpoint)).items.create({ id: 'a-0', site: 'plant-a' });
    await stop(first);
    const journal = path.join(dataDir, 'journal.jsonl');
    appendFileSync(journal, '{"op":"putDocument","db":"ota","coll":"devices","body":{"id":"a-1","si');

    const second = await start(dataDir);
    expect(await idsAt(await devices(second.endpoint), 'plant-a')).toEqual(['a-0']);
    // Compacted on start: the torn tail is gone, so later writes are not appended after it.
    expect(readFileSync(journal, 'utf8')).not.toContain('"a-1"');
  });

  it('refuses to start on a journal corrupted before its last line', async () => {
    const dataDir = tempDir();
    appendFileSync(path.join(dataDir, 'journal.jsonl'), 'not json\n{"op":"putDatabase","body":{"id":"ota"}}\n');
    await expect(start(dataDir)).rejects.toThrow(/journal.jsonl:1: corrupt/);
  });
});
