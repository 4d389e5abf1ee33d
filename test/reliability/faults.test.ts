/**
 * The reliability suite's dependency faults in CI: the Cosmos stand-in and the local IoT Hub stopped mid-rollout
 * and restarted, and 429 storms. Each rollout pauses or retries with a reason and continues; nothing is lost.
 */
import { runFaults } from '../../reliability/faults';

jest.setTimeout(600_000);

it('recovers from every dependency fault', async () => {
  const figures = await runFaults();
  expect(figures.faults.length).toBeGreaterThanOrEqual(4);
  expect(figures.faults.filter((f) => !f.recovered).map((f) => `${f.name}: ${f.detail}`)).toEqual([]);
});
