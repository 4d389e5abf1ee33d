/**
 * What became of one Event Grid event. Stored values (never renamed):
 * - Importing: the import orchestration is running
 * - Imported: an update was created (updateId set)
 * - Ignored: nothing to import, with the reason (unknown event type, unmatched repository, non-semver tag, …)
 * - Failed: the import could not finish, with the reason
 */
import type { UpdateId } from '../updates/update';

export type ImportStatus = 'Importing' | 'Imported' | 'Ignored' | 'Failed';

export interface ImportRecord {
  eventId: string;
  eventType: string;
  subject: string;
  status: ImportStatus;
  reason: string;
  receivedAt: string;
  updatedAt: string;
  updateId?: UpdateId;
  ruleId?: string;
  /** Assigned once per event, so a retried import signs with the same counter. */
  releaseCounter?: number;
}
