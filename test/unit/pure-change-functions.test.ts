/**
 * Every change function handed to a read-modify-write is pure (see the RolloutStore port): a store may run it again
 * after an etag conflict, so a write to anything outside it would happen twice.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findImpureChanges } from '../support/impure-change-finder';

const root = join(__dirname, '..', '..');
/** Test code counts change runs on purpose; the rest is the product. */
const skipped = new Set(['node_modules', 'dist', 'coverage', 'test', '.git']);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('change functions of read-modify-write', () => {
  it('write nothing outside themselves anywhere in the code', () => {
    const files = sourceFiles(root);
    expect(files.some((f) => f.endsWith(join('activities', 'rollout-activities.ts')))).toBe(true);
    // Only files that call one are parsed.
    const impure = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return /\bupdate(Batch)?\(|readModifyWrite\(/.test(source) ? findImpureChanges(relative(root, file), source) : [];
    });
    expect(impure).toEqual([]);
  });

  it('are caught filling an outer array, counting or remembering what they saw', () => {
    const source = `
      const failed: string[] = [];
      let runs = 0;
      let previous;
      await store.updateBatch(id, batchId, (b) => ({ ...b, devices: b.devices.map((d) => { if (d.bad) failed.push(d.id); return d; }) }));
      await store.update(id, (r) => { runs++; previous = r.status; return { ...r, status: 'Paused' }; });
      await readModifyWrite(item, 'x', (c) => { seen.set(c.id, c); return c; }, (n) => true);
    `;
    expect(findImpureChanges('sample.ts', source).map((f) => f.text)).toEqual(['failed.push(d.id)', 'runs++', 'previous = r.status', 'seen.set(c.id, c)']);
  });

  it('may build and change their own copies', () => {
    const source = `
      await store.update(id, (r) => {
        const waves = [...r.waves];
        waves.push(next);
        let count = 0;
        for (const w of waves) count += w.deviceCount;
        const byId = new Map();
        byId.set(r.id, count);
        return { ...r, waves, targetedCount: count };
      });
      hash.update(bytes);
    `;
    expect(findImpureChanges('sample.ts', source)).toEqual([]);
  });
});
