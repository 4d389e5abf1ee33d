/** Import rules decide what a registry push or a firmware upload means: which update it becomes. */
import type { Prerequisite } from '../packages/manifest';
import type { CompatibilitySet } from '../updates/update';

export type ImportSource = { repository: string } | { blobPrefix: string };

export interface ImportRule {
  ruleId: string;
  source: ImportSource;
  update: { provider: string; name: string };
  compatibility: CompatibilitySet[];
  prerequisites: Prerequisite[];
  /** How many earlier versions get a binary delta to the new one (firmware only). */
  deltaFromPrevious: number;
  /** Days until a signed manifest expires (devices refuse it after). */
  manifestLifetimeDays: number;
  /** A rollout body (as POST /api/rollouts takes, without updateId) started for every imported version. */
  autoRollout?: Record<string, unknown>;
  updatedAt: string;
}

/** The first rule whose source matches, most specific (longest) first. */
export function findRule(rules: readonly ImportRule[], pushed: { repository: string } | { blobPath: string }): ImportRule | undefined {
  const candidates = rules.filter((rule) =>
    'repository' in pushed
      ? 'repository' in rule.source && rule.source.repository === pushed.repository
      : 'blobPrefix' in rule.source && pushed.blobPath.startsWith(rule.source.blobPrefix));
  const length = (rule: ImportRule) => ('repository' in rule.source ? rule.source.repository.length : rule.source.blobPrefix.length);
  return candidates.sort((a, b) => length(b) - length(a))[0];
}
