/**
 * The app's version from its package.json, found by walking up from this file: the same code runs from
 * functions/ (tests) and from dist/functions/ (built), which sit at different depths.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function readAppVersion(startDir: string = __dirname): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
