/**
 * Azurite keeps blob and extent metadata in LokiJS databases that it saves to disk every 5 s, so a `kill -9` forgets
 * blobs it had already acknowledged (an upload answered 201 is gone after the restart, and the import reading it
 * fails). Azure Storage never forgets an acknowledged write; the stand-in must not either. This wraps each
 * asynchronous method of Azurite's two Loki stores so that a change they made is saved before the method resolves,
 * that is before the request that made it is answered. Loki saves to a temporary file and renames it over the old
 * one, so a kill mid-save keeps the previous whole database.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

interface LokiDatabase {
  autosaveDirty(): boolean;
  saveDatabase(callback: (err?: unknown) => void): void;
}

type StoreMethod = (this: { db: LokiDatabase }, ...args: unknown[]) => unknown;

/** Azurite's Loki-backed stores, relative to its dist/src folder. */
const lokiStores = ['blob/persistence/LokiBlobMetadataStore.js', 'common/persistence/LokiExtentMetadataStore.js'];
/** Lifecycle methods: init saves itself, close saves on closing. */
const lifecycle = new Set(['constructor', 'init', 'close', 'clean', 'isInitialized', 'isClosed']);

function save(db: LokiDatabase): Promise<void> {
  return new Promise((resolve, reject) => db.saveDatabase((err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())));
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `azuriteSrc`: Azurite's dist/src folder (the parent of blob/main.js's folder). */
export function saveMetadataBeforeAnswering(azuriteSrc: string): void {
  for (const file of lokiStores) {
    // Azurite's own module instances (the ones its server will load), not copies.
    const prototype = (createRequire(__filename)(path.join(azuriteSrc, file)) as { default: { prototype: Record<string, unknown> } }).default.prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const original = prototype[name];
      if (lifecycle.has(name) || typeof original !== 'function') continue;
      prototype[name] = function (this: { db: LokiDatabase }, ...args: unknown[]): unknown {
        const result = (original as StoreMethod).apply(this, args);
        if (!isPromise(result)) return result;
        return result.then(async (value) => {
          if (this.db.autosaveDirty()) await save(this.db);
          return value;
        });
      };
    }
  }
}
