import type { InvocationContext } from '@azure/functions';
import { FleetUnavailableError } from '../../../../domain/fleet/fleet-port';
import { isDependencyUnavailable, unexpectedErrorResponse } from '../../../../functions/http/unexpected-error';

const context = { error: () => undefined } as unknown as InvocationContext;

describe('unexpectedErrorResponse', () => {
  it.each<[string, unknown, boolean]>([
    ['a refused connection (Cosmos down)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8081'), { code: 'ECONNREFUSED' }), true],
    ['a fetch failure caused by a reset socket', new TypeError('fetch failed', { cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }) }), true],
    ['a Cosmos 503', Object.assign(new Error('Service Unavailable'), { code: 503 }), true],
    ['the hub refusing for now', new FleetUnavailableError('circuit open', 4000), true],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')"), false],
    ['a Cosmos 409', Object.assign(new Error('Conflict'), { code: 409 }), false],
  ])('%s → dependency unavailable: %s', (_case, err, expected) => {
    expect(isDependencyUnavailable(err)).toBe(expected);
  });

  it('answers 503 problem+json with Retry-After when a dependency cannot be reached', () => {
    const response = unexpectedErrorResponse(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), context);
    expect(response).toMatchObject({ status: 503, headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '5' }, jsonBody: { status: 503 } });
  });

  it('answers 500 problem+json without the error\'s internals otherwise', () => {
    const response = unexpectedErrorResponse(new Error('secret detail'), context);
    expect(response).toMatchObject({ status: 500, jsonBody: { title: 'Internal Server Error' } });
    expect(JSON.stringify(response.jsonBody)).not.toContain('secret detail');
  });
});
