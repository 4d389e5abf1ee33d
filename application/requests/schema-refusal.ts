/** A request that does not follow its schema: an `invalid-request` refusal naming every bad field. */
import type { z } from 'zod';
import type { FieldError, Outcome } from '../outcome';

type Issue = z.core.$ZodIssue;

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

export function schemaFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap(chosenFormIssues).map((issue) => ({ field: fieldPath(issue.path) || '(body)', message: issue.message }));
}

export function schemaRefusal<T = never>(error: z.ZodError): Outcome<T> {
  const errors = schemaFieldErrors(error);
  return { ok: false, refusal: { code: 'invalid-request', message: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors } };
}

/**
 * A union of forms (`{ query } | { deviceIds }`) that failed: when the body's keys pick exactly one form, that
 * form's own issues (e.g. "at most 10,000 device ids") say more than "must be one of the forms".
 */
function chosenFormIssues(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const fitting = issue.errors.filter((form) => !form.some((inner) => inner.code === 'unrecognized_keys' && inner.path.length === 0));
  const [form] = fitting;
  if (fitting.length !== 1 || !form || form.length === 0) return [issue];
  return form.flatMap((inner) => chosenFormIssues({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}
