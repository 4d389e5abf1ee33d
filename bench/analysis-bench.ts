/**
 * `npm run bench:analysis`: how well the cohort analysis (domain/analysis) tells a slower firmware from noise, on many
 * simulated canaries with fixed seeds, next to a plain failure-rate threshold judging the same devices.
 *
 * Each canary: an updated and a baseline cohort of n devices (10, 30, 100), one value per device, the device's mean
 * cycle time over the window. A device's level is log-normal around 1000 ms with an 8 % device-to-device spread, plus
 * 2 % noise from averaging a finite window; 3 % of devices (either cohort) are faulty machines running 35–120 %
 * slower. The updated cohort runs (1 + effect) slower, effect 0, 10, 20 or 30 %.
 *  - cohort analysis: cycleTimeMs lower-is-better, maxRegressionPercent 10, critical; confidence 0.95,
 *    minSamplesPerCohort 10; a canary is stopped when the metric fails;
 *  - failure-rate threshold: a device fails when its cycle time exceeds 1500 ms (a watchdog-style limit), and the
 *    canary is rolled back when more than 5 % of the updated devices fail.
 * The false-positive rate is the share of canaries without regression that are stopped, over all cohort sizes.
 * Cohorts of exactly minSamplesPerCohort devices come out mostly inconclusive: a single device removed as an outlier
 * leaves too few (the orchestration then soaks longer or pauses, as the spec says).
 *
 *   node dist/bench/analysis-bench.js [--runs 1000]
 */
import { analyzeMetric } from '../domain/analysis/cohort-analysis';
import type { AnalysisSpec, MetricRule } from '../domain/analysis/analysis-spec';
import { seededRandom, type SeededRandom } from './support/seeded-random';

const runsOption = process.argv.indexOf('--runs');
const runs = runsOption >= 0 ? Number(process.argv[runsOption + 1]) : 1000;
if (!Number.isInteger(runs) || runs < 1) throw new Error('usage: analysis-bench [--runs <canaries per cell>]');

const effects = [0, 10, 20, 30];
const cohortSizes = [10, 30, 100];
const rule: MetricRule = { name: 'cycleTimeMs', direction: 'lower-is-better', maxRegressionPercent: 10, critical: true };
const spec: Pick<AnalysisSpec, 'confidence' | 'minSamplesPerCohort'> = { confidence: 0.95, minSamplesPerCohort: 10 };
const nominalMs = 1000;
const deviceSpread = 0.08;
const windowNoise = 0.02;
const faultyShare = 0.03;
const failureLimitMs = 1500;
const rollbackAbovePercent = 5;

function device(random: SeededRandom, slowdown: number): number {
  const faulty = random.next() < faultyShare ? 1.35 + random.next() * 0.85 : 1;
  return nominalMs * Math.exp(deviceSpread * random.normal() + windowNoise * random.normal()) * faulty * slowdown;
}

interface Cell {
  effect: number;
  size: number;
  analysis: { fail: number; pass: number; inconclusive: number };
  thresholdRollbacks: number;
}

function simulate(effect: number, size: number): Cell {
  const cell: Cell = { effect, size, analysis: { fail: 0, pass: 0, inconclusive: 0 }, thresholdRollbacks: 0 };
  for (let run = 0; run < runs; run++) {
    const random = seededRandom(effect * 1_000_003 + size * 10_007 + run);
    const updated = Array.from({ length: size }, () => device(random, 1 + effect / 100));
    const baseline = Array.from({ length: size }, () => device(random, 1));
    cell.analysis[analyzeMetric(rule, { updated, baseline }, spec).verdict]++;
    const failed = updated.filter((ms) => ms > failureLimitMs).length;
    if ((failed / size) * 100 > rollbackAbovePercent) cell.thresholdRollbacks++;
  }
  return cell;
}

const percent = (count: number, of: number) => (count / of) * 100;
const show = (value: number) => `${value.toFixed(1)} %`.padStart(8);

const started = process.hrtime.bigint();
const cells = effects.flatMap((effect) => cohortSizes.map((size) => simulate(effect, size)));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

console.log(`cohort analysis vs failure-rate threshold, ${runs} canaries per cell (fixed seeds), ${seconds.toFixed(1)} s`);
console.log(`analysis: ${rule.name} ${rule.direction}, max regression ${rule.maxRegressionPercent} %, confidence ${spec.confidence}, min ${spec.minSamplesPerCohort} per cohort`);
console.log(`threshold: a device fails above ${failureLimitMs} ms, rollback above ${rollbackAbovePercent} % failed updated devices\n`);
console.log('regression  devices/cohort   analysis: stopped    passed  inconclusive   threshold: rolled back');
for (const cell of cells) {
  console.log(
    `${`${cell.effect} %`.padStart(10)}  ${String(cell.size).padStart(14)}  ${show(percent(cell.analysis.fail, runs)).padStart(17)}  ${show(percent(cell.analysis.pass, runs))}  ${show(percent(cell.analysis.inconclusive, runs)).padStart(12)}  ${show(percent(cell.thresholdRollbacks, runs)).padStart(23)}`,
  );
}

const noRegression = cells.filter((cell) => cell.effect === 0);
const falsePositives = noRegression.reduce((sum, cell) => sum + cell.analysis.fail, 0);
const thresholdFalsePositives = noRegression.reduce((sum, cell) => sum + cell.thresholdRollbacks, 0);
const goalCell = cells.find((cell) => cell.effect === 20 && cell.size === 30);
if (!goalCell) throw new Error('no cell for 20 % at 30 devices');
const falsePositiveRate = percent(falsePositives, runs * noRegression.length);
const detection = percent(goalCell.analysis.fail, runs);
console.log(`\nthreshold for comparison: false-positive rate ${percent(thresholdFalsePositives, runs * noRegression.length).toFixed(1)} %, detection at 20 % with 30 devices per cohort ${percent(goalCell.thresholdRollbacks, runs).toFixed(1)} %`);
console.log(`goals: false-positive rate ≤ 2 % (${falsePositiveRate <= 2 ? 'met' : 'MISSED'}), detection at 20 % with 30 devices per cohort ≥ 95 % (${detection >= 95 ? 'met' : 'MISSED'})`);
console.log(`false-positive rate: ${falsePositiveRate.toFixed(1)} %`);
console.log(`detection at 20 % with 30 devices per cohort: ${detection.toFixed(1)} %`);
