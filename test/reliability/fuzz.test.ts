/**
 * The reliability suite's fuzzing part in CI: property-based requests to every route of the route table and every
 * Event Grid trigger, against the real local stack. `npm run test:reliability -- --only fuzz` runs more cases with
 * a random seed; this one is fixed so a failure here replays with the same seed.
 */
import { runFuzz } from '../../reliability/fuzz';

jest.setTimeout(240_000);

it('answers 600 hostile requests without a 5xx or a crash, every 4xx a problem+json naming a field, and stays healthy', async () => {
  const figures = await runFuzz(600, 20261201);
  expect({ serverErrors: figures.serverErrors, crashes: figures.crashes, problemViolations: figures.problemViolations, findings: figures.findings })
    .toEqual({ serverErrors: 0, crashes: 0, problemViolations: 0, findings: [] });
  expect(figures.healthyAfter).toBe(true);
  expect(figures.cases).toBe(600);
});
