/**
 * A wave's health over time: its device counts at each health check, kept in the wave's record for the report and
 * the status. Bounded, however long a wave soaks: past `maxPoints`, the point closest to its predecessor goes
 * (the first and the latest always stay), so the timeline thins out evenly instead of losing its start.
 */
import type { DeviceStateCounts } from './rollout-record';

export interface HealthPoint {
  at: string;
  dispatched: number;
  succeeded: number;
  failed: number;
  unhealthy: number;
  silent: number;
}

export const maxHealthPoints = 96;

export function healthPoint(at: string, counts: DeviceStateCounts): HealthPoint {
  const { dispatched, succeeded, failed, unhealthy, silent } = counts;
  return { at, dispatched, succeeded, failed, unhealthy, silent };
}

/** The timeline with `point` added (a second point at the same time replaces the first: a check that ran twice). */
export function appendHealthPoint(timeline: readonly HealthPoint[] | undefined, point: HealthPoint, maxPoints = maxHealthPoints): HealthPoint[] {
  const points = (timeline ?? []).filter((p) => p.at !== point.at);
  points.push(point);
  points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  while (points.length > Math.max(2, maxPoints)) {
    let closest = 1;
    for (let i = 2; i < points.length - 1; i++) {
      if (gap(points, i) < gap(points, closest)) closest = i;
    }
    points.splice(closest, 1);
  }
  return points;
}

function gap(points: HealthPoint[], i: number): number {
  return Date.parse(points[i]!.at) - Date.parse(points[i - 1]!.at);
}
