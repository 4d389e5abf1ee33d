/**
 * The Cosmos stand-in's compiled queries gather documents by appending, not by copying the array at every step
 * (quadratic in the container's size), and the rewrite leaves everything else alone.
 */
import { createRequire } from 'node:module';
import { linearized } from '../../../devhost/standins/cosmos-linear-queries';

const engine = createRequire(require.resolve('@vercel/cosmosdb-server'))('@zeit/cosmosdb-query') as {
  default: (query: string) => { code: string; exec(documents: unknown[], options?: unknown): { result: unknown[] } };
};

const queries = [
  "SELECT VALUE c.receivedAt FROM c WHERE c.kind = 'progress'",
  'SELECT * FROM c WHERE c.healthy = false AND (c.version = @v OR c.receivedAt >= @since) ORDER BY c.receivedAt',
  'SELECT f.id, c.name FROM Families f JOIN c IN f.children WHERE c.name != "[...$, x]"',
];

it('replaces every accumulating spread outside literals by an append', () => {
  for (const query of queries) {
    const code = linearized(engine.default(query).code);
    expect(code.replace(/"[^"]*"/g, '""')).not.toContain('[...$, ');
    expect(code).toContain('$.push(');
  }
  expect(linearized(engine.default(queries[2]!).code)).toContain('"[...$, x]"');
});

it('leaves code without such spreads as it is', () => {
  expect(linearized('(a) => [...a, "[...$, "]')).toBe('(a) => [...a, "[...$, "]');
});

it('gives the same results as the original code', () => {
  const documents = Array.from({ length: 300 }, (_, i) => ({
    id: `d${i}`, _rid: `r${String(i).padStart(4, '0')}`, kind: i % 50 === 0 ? 'progress' : 'health', healthy: i % 7 !== 0,
    version: i % 3 === 0 ? '2.0.0' : '1.0.0', receivedAt: new Date(1_800_000_000_000 + ((i * 7919) % 300) * 1000).toISOString(),
    children: i % 10 === 0 ? [{ name: `c${i}` }, { name: '[...$, x]' }] : [],
  }));
  const parameters = [{ name: '@v', value: '2.0.0' }, { name: '@since', value: new Date(1_800_000_200_000).toISOString() }];
  for (const query of queries) {
    const compiled = engine.default(query);
    const original = compiled.exec(documents, { parameters }).result;
    const code = linearized(compiled.code);
    Object.defineProperty(compiled, 'code', { value: code });
    expect(compiled.exec(documents, { parameters }).result).toEqual(original);
    expect(original.length).toBeGreaterThan(0);
  }
});
