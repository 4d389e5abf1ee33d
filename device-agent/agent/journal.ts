/**
 * What the agent keeps on disk in `<data>/journal.json`: the slots and which one is known good, the command in
 * progress and how far it got, and the reports not yet sent. Every step of an update is written here before it
 * is acted on, so a restart (kill -9, power cut) can resume or roll back from the last step recorded.
 */

export type SlotName = 'a' | 'b';

export const otherSlot = (slot: SlotName): SlotName => (slot === 'a' ? 'b' : 'a');

export interface SlotFile {
  fileName: string;
  sizeInBytes: number;
  /** Base64 SHA-256, as signed in the manifest the slot was installed from. */
  sha256: string;
}

/** What a slot holds (also written into the slot as version.json). */
export interface SlotContent {
  name: string;
  version: string;
  releaseCounter: number;
  files: SlotFile[];
}

export interface CommandDelta {
  baseVersion: string;
  url: string;
}

export interface CommandFile {
  fileName: string;
  url?: string;
  deltas: CommandDelta[];
}

/** A desired `ota.command` once checked (see command.ts). */
export interface OtaCommand {
  id: string;
  kind: 'install' | 'restore';
  update: { provider?: string; name: string; version: string };
  signedManifest?: string;
  files?: CommandFile[];
}

export type OtaState = 'idle' | 'downloading' | 'installing' | 'succeeded' | 'failed';

export interface Delivery {
  kind: 'delta' | 'full' | 'refused';
  bytes: number;
}

/** The reported `ota` object, always sent whole (docs/device-twin-contract.md). */
export interface OtaReport {
  commandId?: string;
  state: OtaState;
  installedVersion: string;
  software: Record<string, string>;
  healthy: boolean;
  error: { code: string; message: string } | null;
  delivery: Delivery | null;
  at: string;
}

/**
 * How far a command got. `downloading` and `installing` are redone from their start on a restart (downloads
 * resume from the partial files, installing rewrites the inactive slot); from `switching` on, the new slot may be
 * running, so a restart abandons it; `reverting` records the outcome before the switch back.
 */
export type JobPhase = 'downloading' | 'installing' | 'switching' | 'trial' | 'reverting';

export interface Job {
  command: OtaCommand;
  phase: JobPhase;
  /** The slot being installed / tried; the committed slot stays the way back. */
  target: SlotName;
  delivery?: Delivery;
  /** Set in `reverting`: why the trial failed. */
  failure?: { code: string; message: string };
}

export interface Journal {
  format: 1;
  updateName: string;
  slots: Partial<Record<SlotName, SlotContent>>;
  /** The known-good slot: what runs when no trial is under way. */
  committed: SlotName;
  /** The id of the last command accepted: a command is acted on once. */
  lastCommandId?: string;
  job?: Job;
  /** Agent starts since the last install. */
  restarts: number;
  /** Reports in the order made, removed once the hub acknowledged them. */
  outbox: OtaReport[];
}

/** Reports kept while offline; the oldest go first (every report carries the whole state, the newest wins). */
export const outboxLimit = 100;

export function factoryJournal(updateName: string, version: string): Journal {
  return {
    format: 1,
    updateName,
    slots: { a: { name: updateName, version, releaseCounter: 0, files: [] } },
    committed: 'a',
    restarts: 0,
    outbox: [],
  };
}

/** The slot `current` should point at: the tried one from the switch on, else the committed one. */
export function activeSlot(journal: Journal): SlotName {
  const phase = journal.job?.phase;
  return phase === 'switching' || phase === 'trial' ? journal.job!.target : journal.committed;
}

export function runningContent(journal: Journal): SlotContent {
  const content = journal.slots[activeSlot(journal)];
  if (!content) throw new Error(`the journal names slot ${activeSlot(journal)} as active, but it holds nothing`);
  return content;
}

export function committedContent(journal: Journal): SlotContent {
  const content = journal.slots[journal.committed];
  if (!content) throw new Error(`the journal names slot ${journal.committed} as committed, but it holds nothing`);
  return content;
}
