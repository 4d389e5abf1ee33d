/**
 * The Event Grid functions' work: validate the event at the edge, record it once (the same event twice imports
 * once), and start its import orchestration. Every event is acknowledged; what it led to is in its import record.
 */
import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { ImportRecordStore } from '../domain/imports/import-ports';
import { parsePushedArtifact, type ImportEventType } from '../domain/imports/pushed-artifact';
import { importInstanceId, importOrchestratorName } from '../orchestrations/import-contracts';

export function createImportTrigger(deps: { records: ImportRecordStore; firmwareContainer: string; now: () => Date }, eventType: ImportEventType) {
  return async (event: unknown, context: InvocationContext): Promise<void> => {
    const at = deps.now().toISOString();
    const parsed = parsePushedArtifact(event, eventType, deps.firmwareContainer);
    if (!parsed.ok) {
      // A poisoned event is recorded, not retried: returning normally acknowledges it.
      const eventId = parsed.eventId || `unidentified-${at}`;
      await deps.records.create({ eventId, eventType: parsed.eventType, subject: parsed.subject, status: 'Ignored', reason: parsed.reason, receivedAt: at, updatedAt: at });
      context.warn(`event ${eventId} imports nothing: ${parsed.reason}`);
      return;
    }
    const { artifact } = parsed;
    const created = await deps.records.create({
      eventId: artifact.eventId, eventType: artifact.eventType, subject: artifact.subject, status: 'Importing', reason: 'import started', receivedAt: at, updatedAt: at,
    });
    const client = df.getClient(context);
    const instanceId = importInstanceId(artifact.eventId);
    if (created === 'exists') {
      // Seen before: start only if a crash came between recording it and starting its import.
      const record = await deps.records.get(artifact.eventId);
      const status = await client.getStatus(instanceId).catch(() => undefined);
      if (record?.status !== 'Importing' || status?.runtimeStatus) {
        context.log(`event ${artifact.eventId} was received before; nothing to do`);
        return;
      }
    }
    await client.startNew(importOrchestratorName, { instanceId, input: artifact });
  };
}
