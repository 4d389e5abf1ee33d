/**
 * The "New rollout" form's values as typed (strings), the request body they become, and where a refused field of
 * the answer is shown. A blank field means the default its placeholder shows: the service's defaults
 * (application/requests/request-schemas.ts; test/unit/dashboard/rollout-draft.test.ts checks they agree).
 */
import type { FieldError } from '../api-client';

export interface WaveDraft {
  percent: string;
  soak: string;
}

export interface RolloutDraft {
  /** `provider/name/version` of a registered update. */
  update: string;
  targetKind: 'query' | 'deviceIds';
  query: string;
  /** Separated by commas, spaces or new lines. */
  deviceIds: string;
  canaryKind: 'devices' | 'percent';
  canary: string;
  canarySoak: string;
  waves: WaveDraft[];
  healthCheckInterval: string;
  deviceTimeout: string;
  healthSilenceTimeout: string;
  thresholdPercent: string;
  thresholdMinDevices: string;
  thresholdCount: string;
  /** Names or `group:<id>`; none means no approval. */
  approvers: string;
  quorum: string;
  approvalTimeout: string;
}

/** What the service fills in for a field left out: shown as the placeholders. */
export const rolloutDefaults = {
  canaryDevices: '1',
  canarySoak: 'PT30M',
  healthCheckInterval: 'PT1M',
  deviceTimeout: 'PT30M',
  healthSilenceTimeout: 'PT15M',
  thresholdPercent: '5',
  thresholdMinDevices: '10',
  quorum: '1',
} as const;

export function emptyDraft(): RolloutDraft {
  return {
    update: '', targetKind: 'query', query: '', deviceIds: '', canaryKind: 'devices', canary: '', canarySoak: '',
    waves: [{ percent: '', soak: '' }], healthCheckInterval: '', deviceTimeout: '', healthSilenceTimeout: '',
    thresholdPercent: '', thresholdMinDevices: '', thresholdCount: '', approvers: '', quorum: '', approvalTimeout: '',
  };
}

export const updateKey = (id: { provider: string; name: string; version: string }) => `${id.provider}/${id.name}/${id.version}`;

/** A number as typed; text that is not one goes as it is, so the service names the field. */
const numberOr = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text.trim());
const list = (text: string): string[] => text.split(/[\s,]+/).filter(Boolean);
const optional = <K extends string>(key: K, text: string, as: (t: string) => unknown = (t) => t.trim()) =>
  (text.trim() ? { [key]: as(text) } : {}) as Partial<Record<K, unknown>>;

/** The body of `POST /api/rollouts`; blank optional fields are left out, so the service's defaults apply. */
export function rolloutBody(draft: RolloutDraft): Record<string, unknown> {
  const [provider = '', name = '', version = ''] = draft.update.split('/');
  const threshold = [draft.thresholdPercent, draft.thresholdMinDevices, draft.thresholdCount].some((t) => t.trim());
  const approvers = list(draft.approvers);
  return {
    updateId: { provider, name, version },
    target: draft.targetKind === 'query' ? { query: draft.query.trim() } : { deviceIds: list(draft.deviceIds) },
    ...(draft.canary.trim() ? { canary: { [draft.canaryKind]: numberOr(draft.canary) } } : {}),
    ...optional('canarySoak', draft.canarySoak),
    waves: draft.waves.map((w) => ({ percent: numberOr(w.percent), soak: w.soak.trim() })),
    ...optional('healthCheckInterval', draft.healthCheckInterval),
    ...optional('deviceTimeout', draft.deviceTimeout),
    ...optional('healthSilenceTimeout', draft.healthSilenceTimeout),
    // One threshold field set replaces the whole default object: its blank siblings keep their shown defaults.
    ...(threshold ? {
      failureThreshold: {
        percent: numberOr(draft.thresholdPercent.trim() || rolloutDefaults.thresholdPercent),
        minDevices: numberOr(draft.thresholdMinDevices.trim() || rolloutDefaults.thresholdMinDevices),
        ...optional('count', draft.thresholdCount, numberOr),
      },
    } : {}),
    ...(approvers.length ? {
      approval: { stages: [{ name: 'approval', approvers, quorum: numberOr(draft.quorum.trim() || rolloutDefaults.quorum), timeout: draft.approvalTimeout.trim() }] },
    } : {}),
  };
}

/** The form's fields, named as the body's paths they fill (or as the nearest enclosing path). */
export type DraftField =
  | 'updateId' | 'target' | 'canary' | 'canarySoak' | 'waves' | `waves[${number}].percent` | `waves[${number}].soak`
  | 'healthCheckInterval' | 'deviceTimeout' | 'healthSilenceTimeout'
  | 'failureThreshold.percent' | 'failureThreshold.minDevices' | 'failureThreshold.count'
  | 'approvers' | 'quorum' | 'approvalTimeout';

const approvalFields: Record<string, DraftField> = { approvers: 'approvers', quorum: 'quorum', timeout: 'approvalTimeout', name: 'approvers' };

/** The form field a refused body path belongs to: the path itself, else its nearest enclosing field; '(form)' if none. */
export function draftFieldOf(path: string, waveCount: number): DraftField | '(form)' {
  const approval = /^approval(?:\.stages(?:\[\d+\])?)?(?:\.(\w+))?/.exec(path);
  if (approval) return approvalFields[approval[1] ?? 'approvers'] ?? 'approvers';
  const wave = /^waves\[(\d+)\]\.(percent|soak)/.exec(path);
  if (wave && Number(wave[1]) < waveCount) return `waves[${Number(wave[1])}].${wave[2] as 'percent' | 'soak'}`;
  for (const field of ['updateId', 'target', 'canarySoak', 'canary', 'waves', 'healthCheckInterval', 'deviceTimeout', 'healthSilenceTimeout',
    'failureThreshold.percent', 'failureThreshold.minDevices', 'failureThreshold.count'] as const) {
    if (path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`)) return field;
  }
  return '(form)';
}

/** The refusal's messages by form field, in the order of the answer. */
export function errorsByField(errors: readonly FieldError[], waveCount: number): Map<DraftField | '(form)', string[]> {
  const out = new Map<DraftField | '(form)', string[]>();
  for (const error of errors) {
    const field = draftFieldOf(error.field, waveCount);
    const message = field === '(form)' || error.field === field ? error.message : `${error.field}: ${error.message}`;
    out.set(field, [...(out.get(field) ?? []), message]);
  }
  return out;
}
