/** RFC 9457 problem+json responses; validation problems name every bad field. */
import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';

export interface FieldError {
  field: string;
  message: string;
}

export function problem(status: number, title: string, detail: string, errors?: FieldError[]): HttpResponseInit {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
    jsonBody: { type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) },
  };
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

export function validationProblem(error: z.ZodError): HttpResponseInit {
  const errors = error.issues.flatMap(chosenFormIssues).map((issue) => ({ field: fieldPath(issue.path) || '(body)', message: issue.message }));
  return problem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** Reads a JSON body, or answers 400 when it is not JSON. */
export async function readJson(request: { text(): Promise<string> }): Promise<{ ok: true; body: unknown } | { ok: false; response: HttpResponseInit }> {
  const text = await request.text();
  try {
    return { ok: true, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { ok: false, response: problem(400, 'Invalid request', 'The request body is not valid JSON.', [{ field: '(body)', message: 'not valid JSON' }]) };
  }
}

type Issue = z.core.$ZodIssue;

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
