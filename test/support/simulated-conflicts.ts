/**
 * Read-modify-write on an in-memory map that can lose races the way an etag-guarded Cosmos write does: while
 * conflicts are armed, a record's next writes fail because another writer's change landed between the read and
 * the write, and `change` runs again on the newer record. Unit tests turn it on to prove change functions pure.
 */
import { NotFoundError } from '../../domain/rollouts/rollout-store-port';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** What another writer does when it wins a race (default: writes the record back as it was, moving the etag). */
export type RivalChange<T> = (current: T) => T;

export class SimulatedConflicts {
  private losses = 0;
  private readonly lostPerRecord = new Map<string, number>();
  /** Writes that lost a race (each made `change` run once more). */
  racesLost = 0;

  /** From now on, each record's next `losses` writes lose a race before one lands (0: writes land at once). */
  arm(losses: number): void {
    this.losses = Math.max(0, losses);
    this.lostPerRecord.clear();
  }

  /** Whether this write of the record loses; counts it when it does. */
  loses(key: string): boolean {
    const lost = this.lostPerRecord.get(key) ?? 0;
    if (lost >= this.losses) return false;
    this.lostPerRecord.set(key, lost + 1);
    this.racesLost += 1;
    return true;
  }
}

export interface RecordWrite<T> {
  records: Map<string, T>;
  key: string;
  /** Named in errors, as the Cosmos adapter names the document. */
  what: string;
  change: (current: T) => T;
  /** The Cosmos adapter refuses a change to the id or partition key; so does this. */
  keepsKey: (next: T) => boolean;
  conflicts: SimulatedConflicts;
  rival: RivalChange<T>;
}

/** Read, change, write; on a lost race the rival's change is stored first and `change` runs on the result. */
export function readModifyWrite<T>({ records, key, what, change, keepsKey, conflicts, rival }: RecordWrite<T>): T {
  for (;;) {
    const current = records.get(key);
    if (!current) throw new NotFoundError(`${what} not found`);
    const next = change(copy(current));
    if (!keepsKey(next)) throw new Error(`${what}: a change must not alter the id or the partition key`);
    if (conflicts.loses(key)) {
      records.set(key, copy(rival(copy(current))));
      continue;
    }
    records.set(key, copy(next));
    return copy(next);
  }
}
