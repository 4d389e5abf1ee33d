/**
 * EventPublisher for the local stack: CloudEvents appended to a JSON-lines file (so tests and operators can read
 * what would have gone to the Event Grid topic) and kept in memory for GET /api/local/events.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventPublisher, LifecycleEvent } from '../../domain/events/lifecycle-event';

export interface CloudEventRecord {
  specversion: '1.0';
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export class LocalEventLog implements EventPublisher {
  private readonly events: CloudEventRecord[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly file: string | undefined, private readonly source = '/ota-update-service') {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          this.remember(JSON.parse(line) as CloudEventRecord);
        } catch {
          break; // a torn last line after a crash
        }
      }
    }
  }

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    // Consumers de-duplicate by id; the log does too, so a re-run activity leaves one entry.
    const fresh = events.filter((e) => !this.seen.has(e.id)).map((e) => this.toCloudEvent(e));
    if (fresh.length === 0) return;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, fresh.map((e) => JSON.stringify(e) + '\n').join(''));
    }
    fresh.forEach((e) => this.remember(e));
  }

  list(filter: { type?: string; subject?: string } = {}): CloudEventRecord[] {
    return this.events.filter((e) => (!filter.type || e.type === filter.type) && (!filter.subject || e.subject === filter.subject));
  }

  private remember(event: CloudEventRecord): void {
    this.seen.add(event.id);
    this.events.push(event);
  }

  private toCloudEvent(e: LifecycleEvent): CloudEventRecord {
    return { specversion: '1.0', id: e.id, type: e.type, source: this.source, subject: e.subject, time: e.time, datacontenttype: 'application/json', data: e.data };
  }
}
