/** The fuzzer's judgement of a 4xx answer: what counts as a problem+json violation in the reliability figures. */
import { problemViolation } from '../../../reliability/fuzz';
import { checkExamples } from '../../../reliability/support/routes';

const answer = (status: number, contentType: string, body: unknown) => ({ status, contentType, body, ms: 1 });
const problemJson = 'application/problem+json';

it('accepts a 400 problem+json that names the bad field, and a 404 problem without fields', () => {
  expect(problemViolation(answer(400, problemJson, { title: 'Invalid request', status: 400, errors: [{ field: 'waves', message: 'x' }] }))).toBeUndefined();
  expect(problemViolation(answer(404, problemJson, { title: 'Not found', status: 404 }))).toBeUndefined();
});

it('flags a 4xx that is not problem+json, and a 400 or 413 naming no field', () => {
  expect(problemViolation(answer(431, '', undefined))).toMatch(/431 with content-type/);
  expect(problemViolation(answer(400, problemJson, { title: 'Invalid request', status: 400 }))).toMatch(/naming no field/);
  expect(problemViolation(answer(413, problemJson, { title: 'Too large', status: 413, errors: [] }))).toMatch(/naming no field/);
});

it('leaves 2xx and 5xx to other counters', () => {
  expect(problemViolation(answer(200, 'text/plain', 'ok'))).toBeUndefined();
  expect(problemViolation(answer(500, '', undefined))).toBeUndefined();
});

it('starts fuzzing from example bodies the request schemas accept', () => {
  expect(() => checkExamples()).not.toThrow();
});
