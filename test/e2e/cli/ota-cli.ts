/** Runs the built `ota` CLI (dist/cli/ota.js) as a child process, as a user's shell would (stdout is a pipe, not a TTY). */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../support/devhost-process';

export interface OtaRun {
  code: number;
  stdout: string;
  stderr: string;
}

const otaJs = path.join(repoRoot, 'dist/cli/ota.js');

export function ota(args: readonly string[], env: Record<string, string> = {}): Promise<OtaRun> {
  return new Promise((resolve) => {
    // OTA_* from the test runner's environment must not change what a test asserts.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTA_')));
    execFile(process.execPath, [otaJs, ...args], { env: { ...clean, ...env }, timeout: 45_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Who the CLI acts as on the local stack: the principal headers' name and role. */
export const as = (name: string, role: string): string[] => ['--as', name, '--role', role];
