/**
 * Fuzzing: property-based requests (fast-check) against every HTTP route and the Event Grid webhook. Bodies start from
 * a valid example of the route's zod schema and are mutated (a field replaced by garbage, a wrong type, a huge string,
 * deep nesting, removed, an unknown field added), or are garbage outright. Counts answers ≥ 500, crashes (the stack
 * gone or /api/health not answering) and 4xx answers that are not problem+json (400/413/422 must also name a field).
 */
import fc from 'fast-check';
import { principalHeaders } from '../scripts/local-principal';
import { checkExamples, eventGridRoutes, routes, type FuzzRoute } from './support/routes';
import { fleet, tempDir, writeProfile } from './support/scenario';
import { startStack, type ApiAnswer, type Json, type Stack } from './support/stack';

export interface FuzzFigures {
  cases: number;
  serverErrors: number;
  crashes: number;
  problemViolations: number;
  healthyAfter: boolean;
  seed: number;
  findings: string[];
  byRoute: Record<string, number>;
  /** Problem+json violations by status (a 431 comes from the HTTP server's header limit, before the app). */
  violationsByStatus: Record<string, number>;
}

interface FuzzCase {
  route: FuzzRoute;
  params: string[];
  query: [string, string][];
  body: string | undefined;
  caller: 'admin' | 'reader' | 'none';
}

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(null, true, false, '', -1, 0, 1e308, 'PT-1H', 'P99999999Y', '1.0', '../../etc/passwd', "' OR 1=1 --"),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse(deep(n)) as unknown),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3000 }),
);

/** Every path in `value` (objects and arrays), as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

function mutate(example: unknown, path: (string | number)[], how: 'replace' | 'delete' | 'add', value: unknown): unknown {
  const copy = structuredClone(example) as Json;
  if (path.length === 0) return how === 'replace' ? value : copy;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path.at(-1)!;
  if (how === 'replace') parent[last] = value;
  else if (how === 'delete') { if (Array.isArray(parent)) parent.splice(Number(last), 1); else delete parent[last]; }
  else if (parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last])) parent[last].unexpected = value;
  else parent[last] = [parent[last], value];
  return copy;
}

function bodyFor(route: FuzzRoute): fc.Arbitrary<string | undefined> {
  const raw = fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 200 }),
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.constantFrom('{', '{"a":', 'null', '[]', '{}', '\u0000\u0001', deep(100_000), `{"x":"${'y'.repeat(3_000_000)}"}`),
  );
  const example = route.body?.example;
  if (example === undefined) return raw;
  const paths = pathsOf(example);
  const mutated = fc.record({
    path: fc.constantFrom(...paths),
    how: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'add' as const),
    value: garbage,
  }).map(({ path, how, value }) => JSON.stringify(mutate(example, path, how, value)));
  return fc.oneof({ arbitrary: mutated, weight: 6 }, { arbitrary: fc.constant(JSON.stringify(example)), weight: 1 }, { arbitrary: raw, weight: 2 });
}

const pathParam = fc.oneof(
  fc.constantFrom('a-0', 'contoso', 'line-controller', '2.0.0', 'missing', 'x'.repeat(5000), '..', '%', ' '),
  fc.string({ minLength: 1, maxLength: 100 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
);

function caseFor(route: FuzzRoute): fc.Arbitrary<FuzzCase> {
  const params = (route.path.match(/\{[^}]+\}/g) ?? []).length;
  return fc.record({
    route: fc.constant(route),
    params: fc.array(pathParam, { minLength: params, maxLength: params }),
    query: fc.array(fc.tuple(fc.constantFrom(...(route.query ?? ['unexpected'])), fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('-1', '0', '1e9', 'NaN', 'x'.repeat(10_000)))), { maxLength: 3 }),
    // fetch sends no body with GET; the routes that read one are POST/PUT.
    body: route.method === 'GET' ? fc.constant(undefined) : bodyFor(route),
    caller: fc.constantFrom('admin' as const, 'admin' as const, 'admin' as const, 'reader' as const, 'none' as const),
  });
}

function urlOf(c: FuzzCase): string {
  let i = 0;
  const path = c.route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(c.params[i++] ?? 'x'));
  const query = new URLSearchParams(c.query).toString();
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

/** What is wrong with an answer, if anything: a 4xx must be problem+json; a bad request must name the field. */
export function problemViolation(answer: ApiAnswer): string | undefined {
  if (answer.status < 400 || answer.status >= 500) return undefined;
  if (!answer.contentType.includes('application/problem+json')) return `${answer.status} with content-type '${answer.contentType}'`;
  const body = answer.body as Json;
  if (typeof body?.title !== 'string' || body?.status !== answer.status) return `${answer.status} problem without title/status`;
  if ([400, 413, 422].includes(answer.status)) {
    const named = Array.isArray(body.errors) && body.errors.length > 0 && body.errors.every((e: Json) => typeof e?.field === 'string' && e.field.length > 0);
    if (!named) return `${answer.status} naming no field: ${JSON.stringify(body).slice(0, 200)}`;
  }
  return undefined;
}

async function healthy(stack: Stack): Promise<boolean> {
  if (!stack.alive()) return false;
  try {
    const answer = await stack.raw('GET', '/api/health', undefined, {});
    return answer.status === 200 && answer.ms < 5000;
  } catch {
    return false;
  }
}

function describeCase(c: FuzzCase): string {
  const body = c.body === undefined ? '' : ` body(${c.body.length} B)=${c.body.slice(0, 160)}`;
  return `${c.route.method} ${urlOf(c).slice(0, 160)} as ${c.caller}${body}`;
}

export async function runFuzz(cases: number, seed: number): Promise<FuzzFigures> {
  checkExamples();
  const all = [...routes, ...eventGridRoutes];
  const figures: FuzzFigures = { cases: 0, serverErrors: 0, crashes: 0, problemViolations: 0, healthyAfter: false, seed, findings: [], byRoute: {}, violationsByStatus: {} };
  const temp = tempDir('ota-rel-fuzz-');
  let stack: Stack | undefined;
  try {
    stack = await startStack({ fleet: writeProfile(temp.dir, fleet(40)), dataDir: `${temp.dir}/data` });
    const samples = fc.sample(fc.oneof(...all.map(caseFor)), { numRuns: cases, seed });
    const note = (finding: string) => { if (figures.findings.length < 40) figures.findings.push(finding); };
    for (let i = 0; i < samples.length; i += 4) {
      await Promise.all(samples.slice(i, i + 4).map(async (c) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (c.route.path.startsWith('/runtime/webhooks/eventgrid')) headers['aeg-event-type'] = 'Notification';
        if (c.caller !== 'none') Object.assign(headers, principalHeaders('fuzz@contoso.com', c.caller === 'admin' ? ['OTA.Admin'] : ['OTA.Reader']));
        figures.cases++;
        try {
          const answer = await stack!.raw(c.route.method, urlOf(c), c.body, headers);
          if (answer.status >= 500) {
            figures.serverErrors++;
            figures.byRoute[c.route.name] = (figures.byRoute[c.route.name] ?? 0) + 1;
            note(`${answer.status} ${JSON.stringify(answer.body)?.slice(0, 200)} <- ${describeCase(c)}`);
          }
          // The webhook answers Event Grid (the devhost's runtime), approval links answer people with pages.
          const violation = c.route.path.startsWith('/runtime/') || c.route.page ? undefined : problemViolation(answer);
          if (violation) {
            figures.problemViolations++;
            figures.violationsByStatus[answer.status] = (figures.violationsByStatus[answer.status] ?? 0) + 1;
            note(`problem+json: ${violation} <- ${describeCase(c)}`);
          }
        } catch (err) {
          note(`no answer (${(err as Error).message}) <- ${describeCase(c)}`);
        }
      }));
      if (!(await healthy(stack))) {
        figures.crashes++;
        note(`stack ${stack.alive() ? 'not answering /api/health' : 'exited'} after case ${i + 4}: ${stack.output().slice(-500)}`);
        if (!stack.alive()) break;
      }
    }
    figures.healthyAfter = await healthy(stack);
  } finally {
    await stack?.stop();
    temp.remove();
  }
  return figures;
}
