/** Figures benchmarks print: rounding, megabytes, the peak memory of a child's process tree. */
import type { Child } from './processes';

export interface Figures {
  design: string;
  devices: number;
  wallSeconds: number;
  peakRssMB: number;
  historyEvents: number;
  instances: number;
  [key: string]: unknown;
}

export const round = (n: number, digits = 2) => Number(n.toFixed(digits));
export const mb = (bytes: number) => round(bytes / 2 ** 20, 0);

export function memoryFigures(child: Child): { peakRssMB: number; peakRssMBByProcess: Record<string, number> } {
  child.samplePeaks();
  const byProcess: Record<string, number> = {};
  let total = 0;
  for (const { label, hwmBytes } of child.peaks()) {
    byProcess[label] = (byProcess[label] ?? 0) + mb(hwmBytes);
    total += hwmBytes;
  }
  return { peakRssMB: mb(total), peakRssMBByProcess: byProcess };
}

