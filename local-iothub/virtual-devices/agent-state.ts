/**
 * A virtual device's private agent state, kept in its reported property `virtualAgent` because the hub persists
 * twins: after a kill -9 the restored twin still says which commands the device accepted (idempotency), which
 * release counters it holds (roll-back protection) and which install it was in the middle of.
 *
 * `{ commands: [ids, oldest first], releaseCounters: [{ update, version, counter }], pending?: {…} }`
 * Release counters are a list, not a map keyed `name@version`: IoT Hub refuses '.' in property names.
 */
import { isObject, type Json, type JsonObject } from '../hub-state';

export const agentProperty = 'virtualAgent';

/** Enough to tell a re-sent command from a new one: the service never re-sends one older than that. */
const commandsKept = 50;
/** Counters of versions a device may be restored to; a long-lived device drops the oldest. */
const countersKept = 50;

export type Delivery = { kind: 'delta' | 'full' | 'refused'; bytes: number };

export interface ReleaseCounter {
  update: string;
  version: string;
  counter: number;
}

/** The install a device is in the middle of: what it needs to finish it after a restart. */
export interface PendingRecord {
  commandId: string;
  /** The update name of the command (for release counters and the verifier). */
  update: string;
  /** The key of `software` it changes: the update name for a component, the main update's name otherwise. */
  softwareKey: string;
  version: string;
  acceptedAt: string;
  /** Set once a signed package verified: its counter becomes the device's when the install succeeds. */
  releaseCounter?: number;
  delivery?: Delivery;
}

export interface AgentState {
  commands: readonly string[];
  releaseCounters: readonly ReleaseCounter[];
  pending: PendingRecord | undefined;
}

export function readAgentState(reported: JsonObject): AgentState {
  const agent = reported[agentProperty];
  if (!isObject(agent)) return { commands: [], releaseCounters: [], pending: undefined };
  const commands = Array.isArray(agent.commands) ? agent.commands.filter((id): id is string => typeof id === 'string') : [];
  const releaseCounters = Array.isArray(agent.releaseCounters) ? agent.releaseCounters.filter(isReleaseCounter) : [];
  return { commands, releaseCounters, pending: readPending(agent.pending) };
}

export function withCommand(commands: readonly string[], commandId: string): string[] {
  return [...commands.slice(Math.max(0, commands.length - commandsKept + 1)), commandId];
}

/** A version never installed through a verified package (the profile's, or a plain command's) has counter 0. */
export function counterOf(counters: readonly ReleaseCounter[], update: string, version: string): number {
  return counters.find((entry) => entry.update === update && entry.version === version)?.counter ?? 0;
}

/** Keyed by version too, so a restore brings back that version's counter (as swapping back an A/B slot would). */
export function withCounter(counters: readonly ReleaseCounter[], entry: ReleaseCounter): ReleaseCounter[] {
  const others = counters.filter(({ update, version }) => update !== entry.update || version !== entry.version);
  return [...others.slice(Math.max(0, others.length - countersKept + 1)), entry];
}

/** The pending record as reported JSON (no undefined fields). */
export function pendingJson(pending: PendingRecord): JsonObject {
  const { releaseCounter, delivery, ...rest } = pending;
  return { ...rest, ...(releaseCounter === undefined ? {} : { releaseCounter }), ...(delivery ? { delivery: { ...delivery } } : {}) };
}

export function countersJson(counters: readonly ReleaseCounter[]): Json {
  return counters.map((entry) => ({ ...entry }));
}

function isReleaseCounter(value: Json): value is { update: string; version: string; counter: number } {
  return isObject(value) && typeof value.update === 'string' && typeof value.version === 'string' && typeof value.counter === 'number';
}

function readPending(value: Json | undefined): PendingRecord | undefined {
  if (!isObject(value)) return undefined;
  const { commandId, update, softwareKey, version, acceptedAt, releaseCounter, delivery } = value;
  if (typeof commandId !== 'string' || typeof update !== 'string' || typeof softwareKey !== 'string' || typeof version !== 'string' || typeof acceptedAt !== 'string') return undefined;
  return {
    commandId, update, softwareKey, version, acceptedAt,
    ...(typeof releaseCounter === 'number' ? { releaseCounter } : {}),
    ...(isDelivery(delivery) ? { delivery: { kind: delivery.kind, bytes: delivery.bytes } } : {}),
  };
}

function isDelivery(value: Json | undefined): value is { kind: Delivery['kind']; bytes: number } {
  return isObject(value) && (value.kind === 'delta' || value.kind === 'full' || value.kind === 'refused') && typeof value.bytes === 'number';
}
