/**
 * The journal on disk: read once at start, replaced whole on every step (temp file, fsync, rename, fsync of the
 * folder), so after a crash it is either the old or the new version, never a torn one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { factoryJournal, type Journal } from './journal';

export class JournalStore {
  private current: Journal;

  private constructor(
    private readonly file: string,
    journal: Journal,
    /** True when this start made the factory journal. */
    readonly created = false,
  ) {
    this.current = journal;
  }

  /** Opens `<dataDir>/journal.json`, creating the factory state (one slot running `version`) on first start. */
  static open(dataDir: string, updateName: string, version: string): JournalStore {
    const file = path.join(dataDir, 'journal.json');
    if (!fs.existsSync(file)) {
      const store = new JournalStore(file, factoryJournal(updateName, version), true);
      store.write(store.current);
      return store;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`the journal ${file} is not readable JSON (${(error as Error).message}): move it away to start from the factory state`);
    }
    if (!isJournal(parsed)) throw new Error(`the journal ${file} is not a format 1 agent journal`);
    return new JournalStore(file, parsed);
  }

  get journal(): Journal {
    return this.current;
  }

  /** Applies a step and persists it before returning. */
  update(step: (journal: Journal) => Journal): Journal {
    const next = step(this.current);
    this.write(next);
    this.current = next;
    return next;
  }

  private write(journal: Journal): void {
    const temp = `${this.file}.tmp`;
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(journal, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file);
    syncFolder(path.dirname(this.file));
  }
}

/** Makes a rename in `dir` durable (a no-op where folders cannot be opened for sync). */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function isJournal(value: unknown): value is Journal {
  if (typeof value !== 'object' || value === null) return false;
  const journal = value as Partial<Journal>;
  return journal.format === 1 && typeof journal.updateName === 'string' && (journal.committed === 'a' || journal.committed === 'b') && Array.isArray(journal.outbox) && typeof journal.slots === 'object';
}
