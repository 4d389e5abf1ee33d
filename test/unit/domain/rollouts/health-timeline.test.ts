import { appendHealthPoint, healthPoint, type HealthPoint } from '../../../../domain/rollouts/health-timeline';
import { emptyCounts } from '../../../../domain/rollouts/rollout-record';

const minute = (m: number) => new Date(Date.UTC(2026, 0, 10, 10, m)).toISOString();
const point = (m: number, succeeded = m): HealthPoint => healthPoint(minute(m), { ...emptyCounts(), succeeded });

describe('appendHealthPoint', () => {
  it('adds checks in time order', () => {
    const timeline = [point(0), point(10)].reduce<HealthPoint[]>((t, p) => appendHealthPoint(t, p), []);
    expect(appendHealthPoint(timeline, point(5)).map((p) => p.at)).toEqual([minute(0), minute(5), minute(10)]);
  });

  it('keeps one point per check time: a check that ran twice replaces its first point', () => {
    const timeline = appendHealthPoint([point(0), point(5, 1)], point(5, 7));
    expect(timeline).toEqual([point(0), point(5, 7)]);
  });

  it('stays bounded on a long soak, keeping the first and latest checks and thinning evenly', () => {
    let timeline: HealthPoint[] = [];
    for (let m = 0; m < 1000; m++) timeline = appendHealthPoint(timeline, point(m), 10);
    expect(timeline).toHaveLength(10);
    expect(timeline[0]!.at).toBe(minute(0));
    expect(timeline[9]!.at).toBe(minute(999));
    const gaps = timeline.slice(1).map((p, i) => Date.parse(p.at) - Date.parse(timeline[i]!.at));
    // Evenly thinned: no gap more than about twice another (a naive "drop the oldest" would lose the start).
    expect(Math.max(...gaps.slice(0, -1)) / Math.min(...gaps.slice(0, -1))).toBeLessThanOrEqual(2);
  });
});
