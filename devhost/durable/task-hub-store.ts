/**
 * The task hub: in memory, optionally journaled to disk. Every change is one Transaction, applied in memory and
 * appended to the journal as one line in one write, so after `kill -9` the state is that of the last whole line.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from './history';
import type { ActivityWorkItem, EntityRecord, Instance, OrchestratorMessage, TimerItem, Transaction } from './model';

const journalName = 'taskhub.jsonl';

export class TaskHubStore {
  readonly instances = new Map<string, Instance>();
  readonly entities = new Map<string, EntityRecord>();
  readonly histories = new Map<string, HistoryEvent[]>();
  readonly inbox = new Map<string, OrchestratorMessage[]>();
  readonly activities = new Map<string, ActivityWorkItem>();
  readonly timers = new Map<string, TimerItem>();
  clockOffsetMs = 0;
  #journalFd: number | undefined;

  /** Opens (and compacts) the journal in `dataDir`, or keeps everything in memory when it is undefined. */
  static open(dataDir: string | undefined): TaskHubStore {
    const store = new TaskHubStore();
    if (!dataDir) return store;
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, journalName);
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        let tx: Transaction;
        try {
          tx = JSON.parse(line) as Transaction;
        } catch {
          break; // a torn last line from a crash mid-write: everything before it is whole
        }
        store.#apply(tx);
      }
    }
    const compacted = `${file}.compact`;
    fs.writeFileSync(compacted, JSON.stringify(store.#snapshot()) + '\n');
    fs.renameSync(compacted, file);
    store.#journalFd = fs.openSync(file, 'a');
    return store;
  }

  commit(tx: Transaction): void {
    this.#apply(tx);
    if (this.#journalFd !== undefined) fs.writeSync(this.#journalFd, JSON.stringify(tx) + '\n');
  }

  close(): void {
    if (this.#journalFd !== undefined) fs.closeSync(this.#journalFd);
    this.#journalFd = undefined;
  }

  history(instanceId: string): HistoryEvent[] {
    return this.histories.get(instanceId) ?? [];
  }

  messages(instanceId: string): OrchestratorMessage[] {
    return this.inbox.get(instanceId) ?? [];
  }

  #snapshot(): Transaction {
    return {
      instances: [...this.instances.values()],
      entities: [...this.entities.values()],
      history: [...this.histories.entries()].map(([instanceId, events]) => ({ instanceId, reset: true, events })),
      addMessages: [...this.inbox.values()].flat(),
      addActivities: [...this.activities.values()],
      addTimers: [...this.timers.values()],
      clockOffsetMs: this.clockOffsetMs,
    };
  }

  #apply(tx: Transaction): void {
    for (const id of tx.purge ?? []) {
      this.instances.delete(id);
      this.histories.delete(id);
      this.inbox.delete(id);
    }
    for (const instance of tx.instances ?? []) this.instances.set(instance.instanceId, instance);
    for (const entity of tx.entities ?? []) this.entities.set(entity.entityId, entity);
    for (const { instanceId, reset, events } of tx.history ?? []) {
      const existing = reset ? [] : (this.histories.get(instanceId) ?? []);
      for (const event of events) existing.push(event);
      this.histories.set(instanceId, existing);
    }
    for (const { instanceId, ids } of tx.removeMessages ?? []) {
      const remove = new Set(ids);
      const left = this.messages(instanceId).filter((m) => !remove.has(m.id));
      if (left.length) this.inbox.set(instanceId, left);
      else this.inbox.delete(instanceId);
    }
    for (const message of tx.addMessages ?? []) {
      const list = this.inbox.get(message.instanceId) ?? [];
      if (!list.some((m) => m.id === message.id)) list.push(message);
      this.inbox.set(message.instanceId, list);
    }
    for (const id of tx.removeActivities ?? []) this.activities.delete(id);
    for (const item of tx.addActivities ?? []) this.activities.set(item.id, item);
    for (const id of tx.removeTimers ?? []) this.timers.delete(id);
    for (const item of tx.addTimers ?? []) this.timers.set(item.id, item);
    if (tx.clockOffsetMs !== undefined) this.clockOffsetMs = tx.clockOffsetMs;
  }
}
