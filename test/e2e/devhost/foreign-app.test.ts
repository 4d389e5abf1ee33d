/**
 * The devhost runs an app it was not written for: test/fixtures/esm-app, an ES module app in the style of the
 * Durable Functions quickstarts, with routes at the root (`routePrefix: ""`) and its own task hub. Driven as a
 * client would: start through the app's HTTP starter, then only follow the links of createCheckStatusResponse.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, json, post, repoRoot, startDevhost, type DevhostProcess } from '../../support/devhost-process';

const esmApp = path.join(repoRoot, 'test/fixtures/esm-app');
const taskHub = 'EsmSamplesHub';

/** The body of createCheckStatusResponse. */
interface CheckStatus {
  id: string;
  statusQueryGetUri: string;
  sendEventPostUri: string;
  terminatePostUri: string;
  purgeHistoryDeleteUri: string;
}

interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: any;
}

async function startOrchestration(host: DevhostProcess, name: string, input?: unknown): Promise<CheckStatus> {
  const res = await post(`${host.url}/orchestrators/${name}`, input);
  expect(res.status).toBe(202);
  const links = res.body as CheckStatus;
  expect(res.headers.get('location')).toBe(links.statusQueryGetUri);
  expect(links.statusQueryGetUri).toContain(`/runtime/webhooks/durabletask/instances/${links.id}`);
  expect(links.statusQueryGetUri).toContain(`taskHub=${taskHub}`);
  return links;
}

/** Polls statusQueryGetUri (202 while the instance runs, 200 once it is done) until `until` accepts the status. */
async function pollStatus(links: CheckStatus, until: (status: InstanceStatus, httpStatus: number) => boolean, what: string, timeoutMs = 15000): Promise<InstanceStatus> {
  return eventually(async () => {
    const { status, body } = await json(links.statusQueryGetUri);
    expect([200, 202]).toContain(status);
    return until(body, status) ? (body as InstanceStatus) : undefined;
  }, timeoutMs, `${links.id}: ${what}`);
}

const finished = (links: CheckStatus, timeoutMs?: number) =>
  pollStatus(links, (s, httpStatus) => httpStatus === 200 && ['Completed', 'Failed', 'Terminated'].includes(s.runtimeStatus), 'finished', timeoutMs);

async function raise(links: CheckStatus, eventName: string, data: unknown): Promise<void> {
  const { status } = await post(links.sendEventPostUri.replace('{eventName}', encodeURIComponent(eventName)), data);
  expect(status).toBe(202);
}

const advanceClock = async (host: DevhostProcess, by: string) => expect((await post(`${host.url}/admin/host/clock/advance`, { by })).status).toBe(200);

/** The "SMS" the app sends is a log line: read the code from the host's output, as a developer would. */
const smsCodeFor = (host: DevhostProcess, phone: string) =>
  eventually(async () => {
    const match = new RegExp(`Sending verification code (\\d+) to ${phone.replace(/[+.]/g, '\\$&')}\\.`).exec(host.output());
    return match ? Number(match[1]) : undefined;
  }, 10000, `the SMS to ${phone}`);

const waitingForAttempt = (links: CheckStatus, attempt: number) =>
  pollStatus(links, (s) => s.runtimeStatus === 'Running' && s.customStatus?.state === 'waiting' && s.customStatus.attempt === attempt, `waiting for attempt ${attempt}`);

describe('an ES module app with routes at the root', () => {
  let host: DevhostProcess;
  beforeAll(async () => { host = await startDevhost([], {}, esmApp); });
  afterAll(async () => { await host?.stop(); });

  it('loads every function of the app and serves its starter without the api/ prefix', async () => {
    const { body } = await json(`${host.url}/admin/functions`);
    expect((body as { name: string }[]).map((f) => f.name).sort()).toEqual([
      'cleanUpExpiredItems', 'eternalCleanup', 'fanOutFanIn', 'helloCities', 'httpStart', 'sayHello', 'sendSmsChallenge', 'smsPhoneVerification', 'squareNumber',
    ]);
    expect((await post(`${host.url}/api/orchestrators/helloCities`)).status).toBe(404);
  });

  it('cannot start an activity as an orchestration (client.startNew throws, so the starter answers 500)', async () => {
    expect((await post(`${host.url}/orchestrators/sayHello`)).status).toBe(500);
  });

  it('chains Hello Tokyo, Seattle, London, and the activity logs through context.log', async () => {
    const links = await startOrchestration(host, 'helloCities');
    const done = await finished(links);
    expect(done).toMatchObject({ name: 'helloCities', instanceId: links.id, runtimeStatus: 'Completed' });
    expect(done.output).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
    for (const city of ['Tokyo', 'Seattle', 'London']) expect(host.output()).toContain(`Saying hello to ${city}.`);
    expect(host.output()).toContain(`httpStart: Started orchestration 'helloCities' with ID = '${links.id}'.`);
  });

  it('fans out over the input array and sums what comes back', async () => {
    const numbers = Array.from({ length: 50 }, (_, i) => i + 1);
    const done = await finished(await startOrchestration(host, 'fanOutFanIn', numbers));
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toEqual({ count: 50, total: numbers.reduce((sum, n) => sum + n * n, 0) });
  });

  it('fails an orchestration whose input is wrong, and says why', async () => {
    const done = await finished(await startOrchestration(host, 'fanOutFanIn', 'not an array'));
    expect(done.runtimeStatus).toBe('Failed');
    expect(done.output).toBe("Orchestrator function 'fanOutFanIn' failed: The input must be an array of numbers.");
  });

  describe('phone verification (human interaction)', () => {
    it('verifies the right code (Completed with true) and cancels its 90-second timer', async () => {
      const phone = '+15550101';
      const links = await startOrchestration(host, 'smsPhoneVerification', phone);
      const code = await smsCodeFor(host, phone);
      await waitingForAttempt(links, 1);
      await raise(links, 'SmsChallengeResponse', code);
      const done = await finished(links);
      expect(done.runtimeStatus).toBe('Completed');
      expect(done.output).toBe(true);
      expect(done.customStatus).toEqual({ state: 'verified' });
    });

    it('accepts the right code on a later attempt', async () => {
      const phone = '+15550102';
      const links = await startOrchestration(host, 'smsPhoneVerification', phone);
      const code = await smsCodeFor(host, phone);
      await waitingForAttempt(links, 1);
      await raise(links, 'SmsChallengeResponse', code === 1111 ? 2222 : 1111);
      expect((await waitingForAttempt(links, 2)).customStatus.attemptsLeft).toBe(2);
      await raise(links, 'SmsChallengeResponse', code);
      expect((await finished(links)).output).toBe(true);
    });

    it('rejects after three wrong codes (Completed with false)', async () => {
      const phone = '+15550103';
      const links = await startOrchestration(host, 'smsPhoneVerification', phone);
      const code = await smsCodeFor(host, phone);
      const wrong = code === 1111 ? 2222 : 1111;
      for (let attempt = 1; attempt <= 3; attempt++) {
        await waitingForAttempt(links, attempt);
        await raise(links, 'SmsChallengeResponse', wrong);
      }
      const done = await finished(links);
      expect(done.runtimeStatus).toBe('Completed');
      expect(done.output).toBe(false);
      expect(done.customStatus).toEqual({ state: 'rejected' });
    });

    it('times out when nobody answers within 90 seconds', async () => {
      const phone = '+15550104';
      const links = await startOrchestration(host, 'smsPhoneVerification', phone);
      await smsCodeFor(host, phone);
      await waitingForAttempt(links, 1);
      await advanceClock(host, 'PT80S');
      await new Promise((r) => setTimeout(r, 300));
      expect((await pollStatus(links, () => true, 'status')).runtimeStatus).toBe('Running');
      await advanceClock(host, 'PT15S');
      const done = await finished(links);
      expect(done.runtimeStatus).toBe('Completed');
      expect(done.output).toBe(false);
      expect(done.customStatus).toEqual({ state: 'timedOut' });
      // Too late: the instance is done and says so.
      expect((await post(links.sendEventPostUri.replace('{eventName}', 'SmsChallengeResponse'), 1234)).status).toBe(410);
    });
  });

  it('runs the eternal orchestration one round per day of clock advanced (continueAsNew with a growing input)', async () => {
    const links = await startOrchestration(host, 'eternalCleanup', 0);
    const round = (n: number) =>
      pollStatus(links, (s) => s.runtimeStatus === 'Running' && s.input === n && s.customStatus?.round === n, `round ${n} waiting on its timer`);
    const first = await round(0);
    expect(first.customStatus).toEqual({ round: 0, removed: 0 });
    for (let day = 1; day <= 4; day++) {
      await advanceClock(host, 'P1D');
      expect((await round(day)).instanceId).toBe(links.id);
    }
    // Nothing moves without the clock: the next round is a day away.
    await new Promise((r) => setTimeout(r, 300));
    expect((await pollStatus(links, () => true, 'status')).input).toBe(4);
    expect(host.output()).toContain('Cleanup round 4: nothing left to expire.');

    const { status } = await post(links.terminatePostUri.replace('{text}', 'enough'));
    expect(status).toBe(202);
    const done = await finished(links);
    expect(done.runtimeStatus).toBe('Terminated');
    expect(done.output).toBe('enough');
  });
});

describe('an ES module app with --data, after kill -9', () => {
  let dataDir: string;
  let host: DevhostProcess | undefined;
  beforeAll(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devhost-esm-data-')); });
  afterAll(async () => {
    await host?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a phone verification waiting for its code still takes it after a restart on the same folder', async () => {
    host = await startDevhost(['--data', dataDir], {}, esmApp);
    const phone = '+15550199';
    const links = await startOrchestration(host, 'smsPhoneVerification', phone);
    const code = await smsCodeFor(host, phone);
    await waitingForAttempt(links, 1);
    expect(fs.existsSync(path.join(dataDir, 'taskhub.jsonl'))).toBe(true);
    const port = host.port;
    await host.kill9();

    // Same port, so the links handed out before the crash still work.
    host = await startDevhost(['--data', dataDir, '--port', String(port)], {}, esmApp);
    expect(host.url).toBe(`http://127.0.0.1:${port}`);
    expect((await waitingForAttempt(links, 1)).input).toBe(phone);
    await raise(links, 'SmsChallengeResponse', code);
    const done = await finished(links);
    expect(done.runtimeStatus).toBe('Completed');
    expect(done.output).toBe(true);
    // The code came from the history: no second SMS was sent after the restart.
    expect(host.output()).not.toContain('Sending verification code');
  });
});
