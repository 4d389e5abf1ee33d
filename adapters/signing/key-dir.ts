/**
 * Writing key material so that nobody ever sees half of it: files go to a fresh temporary directory that is then
 * renamed into place in one step, and an existing key directory is never overwritten (losing a root key is final).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface KeyFile {
  content: string;
  /** Private keys are readable by their owner only. */
  secret?: boolean;
}

export class KeyDirExistsError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} already holds keys; refusing to overwrite them`);
  }
}

export async function writeKeyDir(dir: string, files: Record<string, KeyFile>): Promise<void> {
  const target = path.resolve(dir);
  await mkdir(path.dirname(target), { recursive: true });
  const staging = await mkdtemp(`${target}.tmp-`);
  try {
    for (const [name, file] of Object.entries(files)) {
      await writeFile(path.join(staging, name), file.content, { mode: file.secret ? 0o600 : 0o644 });
    }
    // rename(2) replaces an empty directory but fails on a non-empty one: exactly "create unless it has keys".
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (isErrno(err, 'ENOTEMPTY') || isErrno(err, 'EEXIST')) throw new KeyDirExistsError(target);
    throw err;
  }
}

/** Replaces one file in a single step, so a reader sees the old content or the new, never a torn one. */
export async function replaceFile(file: string, content: string): Promise<void> {
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  const staging = `${target}.tmp-${process.pid}`;
  await writeFile(staging, content);
  await rename(staging, target);
}

/** By shape, not `instanceof Error`: errors from node's own modules may come from another realm (jest). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
