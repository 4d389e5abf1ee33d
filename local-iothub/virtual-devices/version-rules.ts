/**
 * The `when` of fleet-profile rules (`behaviors`, `metrics`): which devices and versions a rule is for. Every given
 * key must match; a missing or empty `when` matches everything. Rules are tried in order and the first match wins,
 * so a specific rule goes before a general one.
 */
import { z } from 'zod';

export const whenSchema = z
  .strictObject({ model: z.string().optional(), site: z.string().optional(), version: z.string().optional() })
  .default({});

export type When = z.output<typeof whenSchema>;

/** Tags as the twin holds them: only string values can match. */
export type Tags = Readonly<Record<string, unknown>>;

export function firstMatching<Rule extends { when: When }>(rules: readonly Rule[], tags: Tags, version: string): Rule | undefined {
  return rules.find(
    ({ when }) =>
      (when.model === undefined || when.model === tags.model) &&
      (when.site === undefined || when.site === tags.site) &&
      (when.version === undefined || when.version === version),
  );
}
