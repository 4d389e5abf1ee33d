/**
 * Issue 15's reproduction on the local stack: a huge rollout request is refused up front, and the service keeps
 * answering; lists page with continuation tokens and return every rollout exactly once.
 */
import { startLocalStack, writeProfile, type LocalStack } from '../../support/local-stack';
import { principalHeaders } from '../../../scripts/local-principal';
import { registerUpdate, rolloutBody, twoSiteFleet } from '../rollouts/fixtures';

const realIds = [...Array.from({ length: 120 }, (_, i) => `a-${i}`), ...Array.from({ length: 80 }, (_, i) => `b-${i}`)];
const duplicates = (count: number) => Array.from({ length: count }, (_, i) => realIds[i % realIds.length]!);

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: true });
  await registerUpdate(stack);
});
afterAll(async () => { await stack?.stop(); });

async function timed<T>(call: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await call();
  return { result, ms: Date.now() - started };
}

test('a 3.5 MB rollout with 170,000 duplicate device ids is refused with 413 problem+json; the service keeps answering', async () => {
  // Laid out as a pretty-printing client would: 170,000 ids, one per line, 3.5 MB.
  const { target: _target, ...rest } = rolloutBody();
  const json = JSON.stringify(rest);
  const ids = duplicates(170_000).map((id) => `            "${id}"`).join(',\n');
  const body = `${json.slice(0, -1)},"target":{"deviceIds":[\n${ids}\n]}}`;
  expect(body.length).toBeGreaterThan(3_400_000);
  const { result: response, ms } = await timed(() => fetch(`${stack.url}/api/rollouts`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...principalHeaders('ops@contoso.com', ['OTA.Admin']) }, body,
  }));
  expect(response.status).toBe(413);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(await response.json()).toMatchObject({ status: 413, errors: [{ field: '(body)', message: 'larger than 1 MB' }] });
  expect(ms).toBeLessThan(5_000);

  const list = await timed(() => stack.api('GET', 'rollouts'));
  expect(list.result.status).toBe(200);
  expect(list.ms).toBeLessThan(2_000);
  const health = await timed(() => fetch(`${stack.url}/api/health`));
  expect(health.result.status).toBe(200);
  expect(health.ms).toBeLessThan(2_000);
});

test('20,000 duplicate ids within the size limit are refused with 400 naming target.deviceIds', async () => {
  const response = await stack.api('POST', 'rollouts', rolloutBody({ target: { deviceIds: duplicates(20_000) } }));
  expect(response.status).toBe(400);
  expect(response.body.errors).toEqual([{ field: 'target.deviceIds', message: 'at most 10,000 device ids' }]);
  const few = await stack.api('POST', 'rollouts', rolloutBody({ target: { deviceIds: duplicates(300) } }));
  expect(few.status).toBe(400);
  expect(few.body.errors).toEqual([{ field: 'target.deviceIds', message: expect.stringContaining('device ids must be unique: 100 appear more than once') }]);
});

test('paging through GET /api/rollouts by its Link header returns every rollout exactly once', async () => {
  const created: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const response = await stack.api('POST', 'rollouts', rolloutBody({ approval: { approvers: ['approver@contoso.com'], timeout: 'P7D' } }));
    expect(response.status).toBe(201);
    created.push(response.body.id);
  }
  const seen: string[] = [];
  let next: string | undefined = '/api/rollouts?limit=2';
  while (next) {
    const response: Response = await fetch(`${stack.url}${next}`, { headers: principalHeaders('ops@contoso.com', ['OTA.Viewer']) });
    expect(response.status).toBe(200);
    const page = await response.json() as { items: { id: string }[]; continuationToken?: string };
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items.map((r) => r.id));
    next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    expect(next === undefined).toBe(page.continuationToken === undefined);
  }
  expect(seen).toHaveLength(new Set(seen).size);
  expect(seen).toEqual(expect.arrayContaining(created));

  const tooMany = await stack.api('GET', 'rollouts?limit=5000');
  expect(tooMany.status).toBe(400);
  expect(tooMany.body.errors).toEqual([{ field: 'limit', message: 'must be between 1 and 200' }]);
  const forged = await stack.api('GET', 'rollouts?continuationToken=forged');
  expect(forged.status).toBe(400);
  expect(forged.body.errors).toEqual([{ field: 'continuationToken', message: 'not issued by this list' }]);
});
