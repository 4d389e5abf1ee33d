/**
 * The API as the page calls it: same origin, under /api, with the signed-in user's identity (App Service's session
 * cookie, or the local principal headers). A refusal becomes an ApiError carrying the problem's own words.
 */
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { InventoryReport } from '../../domain/reports/inventory';
import type { RolloutReport } from '../../domain/reports/rollout-report';
import type { ControlAction } from '../../domain/rollouts/rollout-control';
import type { RolloutView } from '../../domain/rollouts/rollout-view';
import type { Update } from '../../domain/updates/update';

/** One entry of a problem+json's `errors`: a refused field (its path in the body) and why. */
export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  /** `errors` of a problem+json: each refused field with its message. */
  constructor(readonly status: number, message: string, readonly errors: FieldError[] = []) {
    super(message);
  }
}

/** The most rollouts the page lists (pages of 200, oldest first, so it reads them all up to this). */
const maxRolloutsListed = 1000;
/** The most updates the New rollout form offers. */
const maxUpdatesListed = 1000;

export interface Api {
  rollouts(): Promise<RolloutView[]>;
  updates(): Promise<Update[]>;
  createRollout(body: unknown): Promise<RolloutView>;
  rolloutReport(id: string): Promise<RolloutReport>;
  audit(subject: string): Promise<AuditEntry[]>;
  inventory(): Promise<InventoryReport>;
  decide(id: string, decision: 'approve' | 'reject', comment?: string): Promise<RolloutView>;
  control(id: string, action: ControlAction): Promise<RolloutView>;
}

export function createApi(identityHeaders: () => Record<string, string>): Api {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`/api/${path}`, {
        method,
        credentials: 'same-origin',
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...identityHeaders() },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'The service cannot be reached.');
    }
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, problemDetail(json) ?? `${method} /api/${path} answered ${response.status}.`, problemErrors(json));
    return json as T;
  }

  /** Every page of a list, in pages of 200, up to `max` items. */
  async function all<T>(path: string, max: number): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '200', ...(token ? { continuationToken: token } : {}) });
      const page = await call<{ items: T[]; continuationToken?: string }>('GET', `${path}?${query}`);
      items.push(...page.items);
      token = page.continuationToken;
    } while (token && items.length < max);
    return items;
  }

  return {
    rollouts: () => all('rollouts', maxRolloutsListed),
    updates: () => all('updates', maxUpdatesListed),
    createRollout: (body) => call('POST', 'rollouts', body),
    rolloutReport: (id) => call('GET', `reports/rollouts/${encodeURIComponent(id)}`),
    /** The first 1,000 entries at most: a rollout's trail is far shorter. */
    audit: async (subject) => (await call<{ items: AuditEntry[] }>('GET', `audit?${new URLSearchParams({ subject, limit: '1000' })}`)).items,
    inventory: () => call('GET', 'inventory'),
    decide: (id, decision, comment) => call('POST', `rollouts/${encodeURIComponent(id)}/approvals`, { decision, ...(comment ? { comment } : {}) }),
    control: (id, action) => call('POST', `rollouts/${encodeURIComponent(id)}/${action}`),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A problem+json's detail (or title): the API's own explanation of a refusal. */
function problemDetail(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const { detail, title } = json as { detail?: unknown; title?: unknown };
  return typeof detail === 'string' && detail ? detail : typeof title === 'string' ? title : undefined;
}

function problemErrors(json: unknown): FieldError[] {
  const errors = typeof json === 'object' && json !== null ? (json as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is FieldError => typeof e === 'object' && e !== null && typeof e.field === 'string' && typeof e.message === 'string');
}
