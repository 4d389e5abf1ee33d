/** Process-tree checks for tests that must prove nothing was left running. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Pids of the children of `pid` (pgrep -P), and of theirs. */
export function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // exit status 1: no children
  }
  return out.split('\n').filter(Boolean).map(Number).flatMap((child) => [child, ...descendants(child)]);
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
