/** RFC 9457 problem+json responses; validation problems name every bad field. */
import type { HttpResponseInit } from '@azure/functions';
import type { z } from 'zod';
import { schemaFieldErrors } from '../../application/requests/schema-refusal';
import type { FieldError } from '../../application/outcome';

export type { FieldError };

export function problem(status: number, title: string, detail: string, errors?: FieldError[]): HttpResponseInit {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
    jsonBody: { type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) },
  };
}

export function validationProblem(error: z.ZodError): HttpResponseInit {
  const errors = schemaFieldErrors(error);
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
