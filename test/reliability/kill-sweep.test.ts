/**
 * The reliability suite's kill -9 sweep in CI: the stack is killed at each kill point of import, approval, every
 * wave's dispatch and health checks, roll back and verification, then restarted on the same data. After each:
 * the rollout reaches the state it would have reached, each device got each command at most once, the audit chain
 * verifies, and no import is lost or doubled.
 */
import { runKillSweep } from '../../reliability/kill-sweep';

jest.setTimeout(600_000);

it('survives every kill point, and each scenario reaches the end it would have reached without kills', async () => {
  const figures = await runKillSweep();
  expect(figures.points.length).toBeGreaterThanOrEqual(20);
  expect(figures.points.filter((p) => !p.survived).map((p) => `${p.scenario} at ${p.phase}: ${JSON.stringify(p.violations)}`)).toEqual([]);
  expect(figures.scenarios.filter((s) => !s.ok)).toEqual([]);
});
