/**
 * The hub's durability: identities, twins and jobs survive `kill -9`. Every change is appended to a JSONL journal
 * with writeSync before the change's request is answered (the REST layer flushes before replying; changes made
 * outside a request are flushed in a microtask). A write that reached the kernel survives the process being
 * killed; an OS crash is not covered (no fsync per write).
 *
 * Records are whole states, not deltas — `{"i":identity}`, `{"t":twin}`, `{"d":deviceId}` — so a request's
 * changes are grouped and coalesced per record before they are written (a bulk create of 100 devices is 200
 * lines, a job's twin updates one line per twin). Job records `{"j":JobChange}` are the jobs' own deltas.
 *
 * Files: `snapshot.jsonl` (first line `{"snapshot":G}`, last `{"end":true}`) and `journal-<n>.jsonl` for n ≥ G.
 * Start-up loads the snapshot, then replays journals G, G+1, … in order (a torn last line is cut off). When the
 * journal outgrows twice the live data, compaction switches writing to journal G+1 and writes a new snapshot
 * from memory in slices (yielding to the event loop); the snapshot only counts once renamed into place, and
 * replaying journal G+1 over it is correct because every record sets a whole state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DeviceIdentity, HubChange, HubState, TwinState } from './hub-state';
import type { HubJobs, JobChange } from './jobs';

type JournalRecord = { i: DeviceIdentity } | { t: TwinState } | { d: string } | { j: JobChange };

export interface JournalOptions {
  dir: string;
  state: HubState;
  jobs: HubJobs;
  log?: (line: string) => void;
  /** The journal is compacted once over this size and twice the live data (default 16 MB). */
  minCompactBytes?: number;
}

export interface JournalStats {
  generation: number;
  journalBytes: number;
  liveBytes: number;
  compactions: number;
}

const snapshotFile = 'snapshot.jsonl';
const journalFile = (generation: number) => `journal-${generation}.jsonl`;
const writeChunkLines = 2000;

/** Data dirs journaled by this process (a second hub on one dir would interleave its writes). */
const openDirs = new Set<string>();

/**
 * Claims the dir with a `journal.lock` holding our pid. A lock left by a process that no longer runs (a kill -9)
 * is taken over; one held by a live process, or by another hub in this process, refuses the start.
 */
function lockDir(dir: string): () => void {
  const resolved = path.resolve(dir);
  const lockFile = path.join(resolved, 'journal.lock');
  if (openDirs.has(resolved)) throw new Error(`The IoT Hub data dir ${resolved} is already in use by a hub in this process.`);
  if (fs.existsSync(lockFile)) {
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && isRunning(pid)) throw new Error(`The IoT Hub data dir ${resolved} is in use by process ${pid}.`);
  }
  fs.writeFileSync(lockFile, String(process.pid));
  openDirs.add(resolved);
  return () => {
    openDirs.delete(resolved);
    fs.rmSync(lockFile, { force: true });
  };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function jobKey(seq: number, change: JobChange): string {
  const jobId = change.kind === 'job' ? change.job.jobId : change.jobId;
  return `${change.kind === 'removed' ? 'jr' : 'j'}:${seq}:${jobId}`;
}
const snapshotSlice = 5000;

export class HubJournal {
  /** Changes not yet written, by record key (`i:id`, `t:id`, `d:id`, `j:seq`), oldest first. */
  private readonly pending = new Map<string, () => string>();
  private flushQueued = false;
  /** Bytes of the newest record of everything live, to tell when the journal is mostly history. */
  private readonly live = new Map<string, number>();
  private liveBytes = 0;
  private journalBytes = 0;
  private jobSeq = 0;
  private compactions = 0;
  private compacting: Promise<void> | undefined;
  private closed = false;
  private fd = -1;
  private generation = 0;
  private readonly stops: (() => void)[] = [];
  private readonly releaseLock: () => void;
  private readonly log: (line: string) => void;

  /** Restores the state and jobs from `dir` (made when missing) and starts journaling their changes. */
  static open(options: JournalOptions): HubJournal {
    return new HubJournal(options);
  }

  private constructor(private readonly options: JournalOptions) {
    this.log = options.log ?? (() => undefined);
    fs.mkdirSync(options.dir, { recursive: true });
    this.releaseLock = lockDir(options.dir);
    try {
      const started = performance.now();
      this.generation = this.restore();
      this.fd = fs.openSync(this.file(journalFile(this.generation)), 'a');
      this.journalBytes = fs.fstatSync(this.fd).size;
      const { state, jobs } = options;
      const jobCount = Object.values(jobs.stats().jobs).reduce((sum, n) => sum + n, 0);
      this.log(`journal: restored ${state.identities.size} devices and ${jobCount} jobs in ${Math.round(performance.now() - started)} ms`);
      this.stops.push(state.onChange((change) => this.recordHubChange(change)), jobs.onChange((change) => this.recordJobChange(change)));
      // After subscribing: what resuming changes (method calls cut short by the stop) is journaled too.
      jobs.resume();
    } catch (error) {
      if (this.fd >= 0) fs.closeSync(this.fd);
      this.releaseLock();
      throw error;
    }
  }

  /** Writes the changes made so far (the REST layer calls it before every reply). */
  flush(): void {
    this.flushQueued = false;
    if (this.closed || this.pending.size === 0) return;
    let lines: string[] = [];
    for (const [key, serialize] of this.pending) {
      const line = serialize();
      this.account(key, line);
      lines.push(line);
      if (lines.length >= writeChunkLines) {
        this.write(lines);
        lines = [];
      }
    }
    this.pending.clear();
    if (lines.length) this.write(lines);
    const threshold = Math.max(this.options.minCompactBytes ?? 16 * 1024 * 1024, 2 * this.liveBytes);
    if (!this.compacting && this.journalBytes > threshold) {
      this.compacting = this.compact().finally(() => {
        this.compacting = undefined;
      });
    }
  }

  stats(): JournalStats {
    return { generation: this.generation, journalBytes: this.journalBytes, liveBytes: this.liveBytes, compactions: this.compactions };
  }

  /** Flushes and closes; a compaction under way is abandoned (the journals it would replace stay valid). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const stop of this.stops) stop();
    await this.compacting;
    fs.closeSync(this.fd);
    this.releaseLock();
  }

  // ---- recording ----------------------------------------------------------------------------------------------------

  private recordHubChange(change: HubChange): void {
    if (change.type === 'identity') this.queue(`i:${change.identity.deviceId}`, () => JSON.stringify({ i: change.identity }));
    else if (change.type === 'twin') this.queue(`t:${change.twin.deviceId}`, () => JSON.stringify({ t: change.twin }));
    else {
      this.pending.delete(`i:${change.deviceId}`);
      this.pending.delete(`t:${change.deviceId}`);
      const line = JSON.stringify({ d: change.deviceId });
      this.queue(`d:${change.deviceId}`, () => line);
    }
  }

  private recordJobChange(change: JobChange): void {
    // Job changes are deltas: serialized now and never coalesced.
    const line = JSON.stringify({ j: change });
    this.queue(jobKey(this.jobSeq++, change), () => line);
  }

  /** Newest change last: re-queuing a key moves it behind the changes made since. */
  private queue(key: string, serialize: () => string): void {
    if (this.closed) return;
    this.pending.delete(key);
    this.pending.set(key, serialize);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  private write(lines: string[]): void {
    const buffer = Buffer.from(`${lines.join('\n')}\n`);
    let offset = 0;
    while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset);
    this.journalBytes += buffer.length;
  }

  /** Live size bookkeeping for a record written or replayed. */
  private account(key: string, line: string): void {
    const set = (liveKey: string, bytes: number | undefined) => {
      this.liveBytes -= this.live.get(liveKey) ?? 0;
      if (bytes === undefined) this.live.delete(liveKey);
      else {
        this.live.set(liveKey, bytes);
        this.liveBytes += bytes;
      }
    };
    const bytes = line.length + 1;
    if (key.startsWith('d:')) {
      set(`i:${key.slice(2)}`, undefined);
      set(`t:${key.slice(2)}`, undefined);
    } else if (key.startsWith('j')) {
      // `j:<seq>:<jobId>` adds to the job's live bytes, `jr:<seq>:<jobId>` (removed) drops them.
      const liveKey = `job:${key.slice(key.indexOf(':', 3) + 1)}`;
      set(liveKey, key.startsWith('jr:') ? undefined : (this.live.get(liveKey) ?? 0) + bytes);
    } else set(key, bytes);
  }

  // ---- restore --------------------------------------------------------------------------------------------------------

  /** Loads snapshot and journals into the state and jobs; returns the generation to append to. */
  private restore(): number {
    const { dir, state } = this.options;
    fs.rmSync(this.file('snapshot.tmp'), { force: true });
    let base = 0;
    if (fs.existsSync(this.file(snapshotFile))) {
      let complete = false;
      this.readLines(this.file(snapshotFile), false, (line, index) => {
        const record = JSON.parse(line) as JournalRecord | { snapshot: number } | { end: true };
        if (index === 0 && 'snapshot' in record) base = record.snapshot;
        else if ('end' in record) complete = true;
        else this.apply(record as JournalRecord, line);
      });
      if (!complete) this.log('journal: the snapshot has no end marker; loaded what it holds');
    }
    const generations = fs.readdirSync(dir)
      .map((name) => /^journal-(\d+)\.jsonl$/.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    for (const generation of generations) {
      if (generation < base) fs.rmSync(this.file(journalFile(generation)));
      else this.readLines(this.file(journalFile(generation)), generation === generations[generations.length - 1], (line) => this.apply(JSON.parse(line) as JournalRecord, line));
    }
    // A twin is only kept with its identity.
    for (const deviceId of state.twins.keys()) if (!state.identities.has(deviceId)) state.twins.delete(deviceId);
    return Math.max(base, generations[generations.length - 1] ?? 0);
  }

  private apply(record: JournalRecord, line: string): void {
    const { state, jobs } = this.options;
    if ('i' in record) {
      state.identities.set(record.i.deviceId, record.i);
      this.account(`i:${record.i.deviceId}`, line);
    } else if ('t' in record) {
      state.twins.set(record.t.deviceId, record.t);
      this.account(`t:${record.t.deviceId}`, line);
    } else if ('d' in record) {
      state.identities.delete(record.d);
      state.twins.delete(record.d);
      this.account(`d:${record.d}`, line);
    } else {
      jobs.apply(record.j);
      this.account(jobKey(0, record.j), line);
    }
  }

  /**
   * Calls `onLine` for every complete line. A line cut short by a kill is dropped and, in the journal that will be
   * appended to (`repairTail`), truncated away so the next record starts on a line of its own.
   */
  private readLines(file: string, repairTail: boolean, onLine: (line: string, index: number) => void): void {
    const buffer = fs.readFileSync(file);
    let start = 0;
    let index = 0;
    for (let end = buffer.indexOf(10, start); end !== -1; end = buffer.indexOf(10, start)) {
      const line = buffer.toString('utf8', start, end);
      start = end + 1;
      if (!line.trim()) continue;
      try {
        onLine(line, index++);
      } catch (error) {
        this.log(`journal: skipped an unreadable record in ${path.basename(file)}: ${(error as Error).message}`);
      }
    }
    if (start < buffer.length) {
      this.log(`journal: dropped a partly written last record of ${path.basename(file)} (${buffer.length - start} bytes)`);
      if (repairTail) fs.truncateSync(file, start);
    }
  }

  // ---- compaction -------------------------------------------------------------------------------------------------------

  private async compact(): Promise<void> {
    const { state, jobs } = this.options;
    const started = performance.now();
    const previous = this.generation;
    const next = previous + 1;
    // From here on, changes go to the new journal, which will be replayed over the new snapshot.
    const fd = fs.openSync(this.file(journalFile(next)), 'a');
    fs.closeSync(this.fd);
    this.fd = fd;
    this.generation = next;
    this.journalBytes = 0;
    const tmp = this.file('snapshot.tmp');
    const out = fs.openSync(tmp, 'w');
    try {
      let lines: string[] = [JSON.stringify({ snapshot: next })];
      let count = 0;
      const put = async (line: string) => {
        lines.push(line);
        if (lines.length >= writeChunkLines) {
          fs.writeSync(out, `${lines.join('\n')}\n`);
          lines = [];
        }
        if (++count % snapshotSlice === 0) {
          await yieldToEventLoop();
          if (this.closed) throw new Error('closed');
        }
      };
      for (const identity of state.identities.values()) await put(JSON.stringify({ i: identity }));
      for (const twin of state.twins.values()) await put(JSON.stringify({ t: twin }));
      for (const change of jobs.snapshot()) await put(JSON.stringify({ j: change }));
      lines.push(JSON.stringify({ end: true }));
      fs.writeSync(out, `${lines.join('\n')}\n`);
      fs.fsyncSync(out);
      fs.closeSync(out);
      fs.renameSync(tmp, this.file(snapshotFile));
      fs.rmSync(this.file(journalFile(previous)), { force: true });
      this.compactions++;
      this.log(`journal: compacted ${count} records into a snapshot in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      fs.closeSync(out);
      fs.rmSync(tmp, { force: true });
      if (!this.closed) this.log(`journal: compaction failed (journals kept): ${(error as Error).message}`);
    }
  }

  private file(name: string): string {
    return path.join(this.options.dir, name);
  }
}
