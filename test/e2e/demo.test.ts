/**
 * `npm run demo` as CI would run it (no TTY), with --fast (time-skipping): the canary fails on model ctl-b, the
 * rollout rolls back by itself, the report shows the whole fleet on 1.0.0, and no process of the stack is left.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { eventually, repoRoot } from '../support/devhost-process';
import { descendants, isAlive } from '../support/process-tree';

const script = path.join(repoRoot, 'dist/scripts/demo.js');
const seen = new Set<number>();



afterAll(() => {
  for (const pid of seen) {
    if (isAlive(pid)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }
});

it('shows the canary failing, the automatic roll back and every device back on 1.0.0, then stops the stack', async () => {
  const child = spawn(process.execPath, [script, '--fast'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  seen.add(child.pid!);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  // The stack's processes come and go within seconds: note them while the demo runs.
  const watcher = setInterval(() => descendants(child.pid!).forEach((pid) => seen.add(pid)), 200);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo still running after 90 s:\n${output}`)), 90000);
    child.once('exit', (exitCode) => { clearTimeout(timer); resolve(exitCode); });
  }).finally(() => clearInterval(watcher));

  expect({ code, output }).toEqual({ code: 0, output: expect.any(String) });
  expect(output.includes('\u001b[')).toBe(false); // plain lines, no redrawing, when stdout is not a terminal
  // Progress lines: the rollout goes from the canary to rolling back to rolled back.
  const progress = ['rollout  InProgress: canary', 'rollout  RollingBack: rolling back: canary', 'rollout  RolledBack: canary'].map((line) => output.indexOf(line));
  expect(progress.every((at, i) => at >= 0 && (i === 0 || at > progress[i - 1]!))).toBe(true);
  // The report.
  expect(output).toMatch(/Final status: RolledBack/);
  expect(output).toMatch(/Reason: canary: [1-9]\d* of 20 assessed devices failed .*above the 5 % threshold/);
  expect(output).toMatch(/^ {2}canary +20 +RolledBack +\d+ +\d+ +20$/m);
  expect(output).toMatch(/^ {2}wave 1 of \d+ +\d+ +NotStarted +0 +0 +0$/m);
  expect(output).toMatch(/^ {2}model +devices +on 1\.0\.0 +got a command$/m);
  expect(output).toMatch(/^ {2}ctl-a +1150 +1150 +\d+$/m);
  expect(output).toMatch(/^ {2}ctl-b +850 +850 +\d+$/m);
  expect(output).toMatch(/^All 2000 devices run 1\.0\.0\.$/m);

  // Azurite, the host and start-local are gone (after a short grace period for reaping).
  await eventually(async () => ([...seen].every((pid) => !isAlive(pid)) ? true : undefined), 5000, 'the stack to be gone').catch(() => undefined);
  expect([...seen].filter(isAlive)).toEqual([]);
  expect(seen.size).toBeGreaterThan(2); // the watcher did see the stack: start-local and Azurite at least
}, 120000);
