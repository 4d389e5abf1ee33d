/** What the task hub stores: instances, their histories, and the three queues (orchestrator inbox, activities, timers). */
import type { HistoryEvent } from './history';
import type { RetryOptionsWire } from './actions';

export type RuntimeStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated' | 'Suspended';

export const terminalStatuses: readonly RuntimeStatus[] = ['Completed', 'Failed', 'Terminated'];

/** A task scheduled with retry options; the host owns the retry loop (protocol §3 rule 5). */
export interface RetryState {
  kind: 'activity' | 'orchestration';
  name: string;
  /** JSON text of the input. */
  input: string;
  childInstanceId?: string;
  options: RetryOptionsWire;
  attempt: number;
  /** Sequence number of the attempt now running. */
  currentId: number;
  /** Sequence number of the retry timer we wait on, if any. */
  timerId?: number;
}

export interface Instance {
  instanceId: string;
  name: string;
  executionId: string;
  status: RuntimeStatus;
  /** JSON texts. */
  input: string;
  output: string;
  customStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  parent?: { instanceId: string; executionId: string; taskScheduledId: number; name: string };
  /** Leaf actions already acted on (all leaves, in yield order). */
  leafCount: number;
  /** The next sequence number the SDK will hand out. */
  nextSequence: number;
  /** Durable timers not yet fired, by sequence number, with the leaf position of their action (to see cancellations). */
  openTimers: Record<string, { position: number; fireAt: string }>;
  /** Open retry loops by the sequence number of their first attempt. */
  retries: Record<string, RetryState>;
  /** Set when the host sees something wrong (e.g. waiting on nothing); shown in status and logs. */
  warning?: string;
}

/** A durable entity's stored state; its id is `@lowercasename@key`. */
export interface EntityRecord {
  entityId: string;
  name: string;
  key: string;
  exists: boolean;
  /** JSON text, or null when the entity has no state. */
  state: string | null;
  lastModifiedTime: string;
}

export interface OrchestratorMessage {
  id: string;
  instanceId: string;
  /** Completion messages name the execution they belong to; stale ones (after continueAsNew) are dropped. */
  executionId?: string;
  event: HistoryEvent;
}

export interface ActivityWorkItem {
  id: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
  name: string;
  /** JSON text. */
  input: string;
}

export interface TimerItem {
  id: string;
  instanceId: string;
  executionId: string;
  timerId: number;
  fireAt: string;
}

/** One atomic change of the task hub; also the journal's record format. */
export interface Transaction {
  instances?: Instance[];
  entities?: EntityRecord[];
  history?: { instanceId: string; reset?: boolean; events: HistoryEvent[] }[];
  purge?: string[];
  addMessages?: OrchestratorMessage[];
  removeMessages?: { instanceId: string; ids: string[] }[];
  addActivities?: ActivityWorkItem[];
  removeActivities?: string[];
  addTimers?: TimerItem[];
  removeTimers?: string[];
  clockOffsetMs?: number;
}
