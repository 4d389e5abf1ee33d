import { apiError } from '../../../cli/api-error';
import { unreachable } from '../../../cli/unreachable';

describe('a failed request, as the user reads it', () => {
  it('a refused role: the problem title and detail, exit code 3', () => {
    const body = JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403, detail: 'guest lacks rollouts.approve: it needs one of the roles OTA.Approver, OTA.Admin.' });
    const error = apiError('POST /api/rollouts/r1/approvals', 403, body);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe('POST /api/rollouts/r1/approvals: 403 Forbidden: guest lacks rollouts.approve: it needs one of the roles OTA.Approver, OTA.Admin.');
  });

  it('a refused request: every field error on its own line, exit code 5', () => {
    const body = JSON.stringify({ title: 'Invalid request', status: 400, detail: 'waves: …', errors: [{ field: 'waves', message: 'needs at least one wave' }, { field: 'canarySoak', message: 'not a duration' }] });
    const error = apiError('POST /api/rollouts', 400, body);
    expect(error.exitCode).toBe(5);
    expect(error.message.split('\n').slice(1)).toEqual(['  - waves: needs at least one wave', '  - canarySoak: not a duration']);
  });

  it('no sign-in: says how to sign in, locally and in Azure', () => {
    const error = apiError('GET /api/rollouts', 401, JSON.stringify({ title: 'Unauthorized', detail: 'Sign-in required.' }));
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/--as <name> --role .*--scope api:\/\/<app-id>\/\.default/s);
  });

  it('a body that is not problem+json: the status and the first line of the body', () => {
    expect(apiError('GET /api/rollouts', 404, '<html>\n<body>Not here</body>')).toMatchObject({ exitCode: 4, message: 'GET /api/rollouts: 404 <html>' });
    expect(apiError('GET /api/rollouts', 502, '')).toMatchObject({ exitCode: 7, message: 'GET /api/rollouts: 502' });
  });

  it('no answer at all: the address and the reason in words, from the error fetch wraps', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })]) });
    expect(unreachable('http://127.0.0.1:7071', refused)).toMatchObject({ exitCode: 6, message: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:7071: connection refused/) });
    const unknownHost = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) });
    expect(unreachable('https://ota.example', unknownHost).message).toBe('cannot reach https://ota.example: no such host');
  });
});
