/**
 * One temporary folder per `npm start` without --data, holding everything the stack would otherwise scatter over
 * the system temp folder (local keys, the events log, the local IoT Hub's state, temp files of the app and of
 * child processes), removed when the process exits, however it exits short of kill -9. A folder left by a stack
 * that was killed with -9 is removed by the next start (its name carries the pid, which no longer runs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const STACK_TEMP_PREFIX = 'ota-stack-';
/** What os.tmpdir() reads: TMPDIR on POSIX, TEMP and TMP on Windows. */
const TEMP_VARIABLES = ['TMPDIR', 'TEMP', 'TMP'] as const;

/**
 * Creates the folder and points the temp-folder variables at it, so os.tmpdir() there, in the app and in child processes
 * (Azurite) is inside it and goes with it.
 */
export function useStackTempDir(): string {
  const systemTemp = os.tmpdir();
  removeOrphans(systemTemp);
  const dir = fs.mkdtempSync(path.join(systemTemp, `${STACK_TEMP_PREFIX}${process.pid}-`));
  const saved = TEMP_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const name of TEMP_VARIABLES) process.env[name] = dir;
  process.on('exit', () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  });
  return dir;
}

function removeOrphans(systemTemp: string): void {
  for (const name of fs.readdirSync(systemTemp)) {
    const pid = new RegExp(`^${STACK_TEMP_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    fs.rmSync(path.join(systemTemp, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
