/**
 * The app settings `npm start` begins with: local.settings.json `Values` when the developer has one,
 * else the committed sample. The stand-ins' addresses are laid over them by the caller.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function readLocalSettings(repoRoot: string): Record<string, string> {
  const own = path.join(repoRoot, 'local.settings.json');
  const file = existsSync(own) ? own : path.join(repoRoot, 'local.settings.sample.json');
  const { Values } = JSON.parse(readFileSync(file, 'utf8')) as { Values?: Record<string, unknown> };
  return Object.fromEntries(Object.entries(Values ?? {}).map(([name, value]) => [name, String(value ?? '')]));
}

/** The folder holding package.json and host.json, found from here whether running from scripts/ or dist/scripts/. */
export function findRepoRoot(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'host.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json with host.json above ${startDir}`);
  }
}
