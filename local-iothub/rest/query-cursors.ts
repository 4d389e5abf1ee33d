/**
 * Paged results behind continuation tokens. A cursor walks its source lazily (the twins Map in insertion order,
 * which visits every entry once even while twins are added or deleted), so page n costs only the twins it scans,
 * never a re-filter from the start. Cursors live a few minutes under a random token, at most `maxCursors` of them.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Json } from '../hub-state';
import { badRequest } from './errors';

export interface Cursor {
  /** Up to `max` items; `more` tells whether another page exists (a lookahead item is kept). */
  next(max: number): Promise<{ items: Json[]; more: boolean }>;
}

/** Rows scanned between yields to the event loop. */
const scanSlice = 5000;

/** Items of `source` that `select` maps to a value (undefined: skipped). */
export function scanCursor<T>(source: Iterator<T>, select: (item: T) => Json | undefined): Cursor {
  let lookahead: Json | undefined;
  let exhausted = false;
  const pull = async (): Promise<Json | undefined> => {
    let scanned = 0;
    while (!exhausted) {
      const step = source.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      const value = select(step.value);
      if (value !== undefined) return value;
      if (++scanned % scanSlice === 0) await yieldToEventLoop();
    }
    return undefined;
  };
  return {
    async next(max) {
      const items: Json[] = [];
      if (lookahead !== undefined) items.push(lookahead);
      lookahead = undefined;
      while (items.length < max) {
        const item = await pull();
        if (item === undefined) return { items, more: false };
        items.push(item);
      }
      lookahead = await pull();
      return { items, more: lookahead !== undefined };
    },
  };
}

export function arrayCursor(items: readonly Json[]): Cursor {
  let offset = 0;
  return {
    async next(max) {
      const page = items.slice(offset, offset + max);
      offset += page.length;
      return { items: page, more: offset < items.length };
    },
  };
}

export interface StoredCursor {
  cursor: Cursor;
  /** The reply's x-ms-item-type. */
  itemType: string;
}

export interface Page {
  items: Json[];
  itemType: string;
  /** Present while another page exists. */
  continuation?: string;
}

interface Entry extends StoredCursor {
  /** What the token was issued for (the query text): a token is valid only for the same query. */
  key: string;
  expiresMs: number;
  /** The token of the page before, dropped once this one is read (the client has moved on). */
  previous?: string;
  /** This token's page, kept so a client retrying the same token gets the same page. */
  page?: Promise<Page>;
}

export class QueryCursors {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxCursors = 200,
    private readonly lifetimeMs = 5 * 60_000,
  ) {}

  /** The first page of a new cursor, or the page a continuation token stands for (400 when unknown or expired). */
  page(start: { open: StoredCursor } | { token: string }, key: string, size: number): Promise<Page> {
    this.sweep();
    let entry: Entry;
    let token: string | undefined;
    if ('token' in start) {
      token = start.token;
      const found = this.entries.get(token);
      if (!found || found.key !== key) throw badRequest('The continuation token is invalid, expired or for another query');
      entry = found;
      if (entry.page) return entry.page;
      if (entry.previous) this.entries.delete(entry.previous);
    } else {
      entry = { ...start.open, key, expiresMs: 0 };
    }
    entry.page = entry.cursor.next(size).then(({ items, more }) => {
      if (!more) return { items, itemType: entry.itemType };
      return { items, itemType: entry.itemType, continuation: this.store({ cursor: entry.cursor, itemType: entry.itemType, key, expiresMs: 0, ...(token ? { previous: token } : {}) }) };
    });
    return entry.page;
  }

  get size(): number {
    return this.entries.size;
  }

  private store(entry: Entry): string {
    while (this.entries.size >= this.maxCursors) this.entries.delete(this.entries.keys().next().value!);
    const token = randomBytes(18).toString('base64url');
    this.entries.set(token, { ...entry, expiresMs: Date.now() + this.lifetimeMs });
    return token;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, entry] of this.entries) if (entry.expiresMs <= now) this.entries.delete(token);
  }
}
