/** A process's peak resident memory so far (Linux /proc VmHWM), in bytes; undefined where /proc does not say. */
import fs from 'node:fs';

export function peakRssBytes(pid: number): number | undefined {
  try {
    const kb = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}
