/**
 * Durable entities: requests queue in the entity's inbox (its id is `@lowercasename@key`); the host runs them as one
 * batch through the app's entity function, stores the new state, answers callers and forwards the entity's signals.
 */
import { EventType, historyEvent } from './history';
import type { EntityRecord, OrchestratorMessage, Transaction } from './model';
import { runEntity, type BindingInputs } from './sdk-bridge';
import type { LogSink } from '../invoker';

export function entityIdOf(name: string, key: string): string {
  return `@${name.toLowerCase()}@${key}`;
}

export function parseEntityId(entityId: string): { name: string; key: string } | undefined {
  const match = /^@([^@]+)@(.*)$/s.exec(entityId);
  return match ? { name: match[1]!, key: match[2]! } : undefined;
}

export function signalMessage(entityId: string, operation: string, input: string | undefined, requestId: string, now: Date): OrchestratorMessage {
  return { id: requestId, instanceId: entityId, event: historyEvent(EventType.EventRaised, now, { Name: operation, Input: input, RequestId: requestId, Signal: true }) };
}

export async function runEntityBatch(entityId: string, existing: EntityRecord | undefined, messages: OrchestratorMessage[], now: Date, log: LogSink, bindings?: BindingInputs): Promise<Transaction> {
  const { name, key } = parseEntityId(entityId) ?? { name: entityId, key: '' };
  const record: EntityRecord = existing ?? { entityId, name, key, exists: false, state: null, lastModifiedTime: now.toISOString() };
  const batch = messages.map((m) => ({ id: m.event.RequestId ?? m.id, name: m.event.Name ?? '', input: m.event.Input, signal: m.event.Signal === true }));
  const outcome = await runEntity(name, { self: { name, key }, exists: record.exists, state: record.state ?? undefined, batch }, log, bindings);
  const addMessages: OrchestratorMessage[] = [];
  messages.forEach((m, i) => {
    const replyTo = m.event.ReplyTo;
    if (!replyTo) return;
    const result = outcome.ok ? outcome.state.results[i] : undefined;
    const failed = !outcome.ok || !result || result.isError;
    const reply = { result: outcome.ok ? result?.result : JSON.stringify(outcome.reason), ...(failed ? { exceptionType: 'Error' } : {}) };
    addMessages.push({
      id: `${batch[i]!.id}|reply`, instanceId: replyTo.instanceId, executionId: replyTo.executionId,
      event: historyEvent(EventType.EventRaised, now, { Name: batch[i]!.id, Input: JSON.stringify(reply) }),
    });
  });
  const updated: EntityRecord = { ...record, lastModifiedTime: now.toISOString() };
  if (outcome.ok) {
    updated.exists = outcome.state.entityExists;
    updated.state = outcome.state.entityState ?? null;
    outcome.state.signals.forEach((s, i) => {
      const target = entityIdOf(s.target.name, s.target.key);
      addMessages.push(signalMessage(target, s.name, s.input || undefined, `${s.requestId}|signal|${i}`, now));
    });
  }
  return {
    entities: [updated],
    removeMessages: [{ instanceId: entityId, ids: messages.map((m) => m.id) }],
    addMessages,
  };
}
