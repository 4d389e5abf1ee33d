import { describeHubError, isDeviceNotFound, isHubFailure, isTransient, retryAfterMsOf, statusOf } from '../../../../adapters/iothub/hub-errors';
import { sdkError, socketError } from './sdk-errors';

describe('hub errors, matched on name, status and socket codes', () => {
  it.each<[string, unknown, { status: number | undefined; transient: boolean; failure: boolean; text: string }]>([
    ['429 throttled', sdkError(429, 'ThrottleBacklogLimitExceeded'), { status: 429, transient: true, failure: false, text: '429 ThrottleBacklogLimitExceeded' }],
    ['503 server busy', sdkError(503, 'ServerBusy'), { status: 503, transient: true, failure: true, text: '503 ServerBusy' }],
    ['500 internal', sdkError(500, 'ServerError'), { status: 500, transient: true, failure: true, text: '500 ServerError' }],
    ['504 gateway timeout', sdkError(504, 'GatewayTimeout'), { status: 504, transient: true, failure: true, text: '504 GatewayTimeout' }],
    ['400 bad query', sdkError(400, 'BadRequest'), { status: 400, transient: false, failure: false, text: '400 BadRequest' }],
    ['401 unauthorized', sdkError(401, 'IotHubUnauthorizedAccess'), { status: 401, transient: false, failure: false, text: '401 IotHubUnauthorizedAccess' }],
    ['404 device not found', sdkError(404, 'DeviceNotFound'), { status: 404, transient: false, failure: false, text: '404 DeviceNotFound' }],
    ['412 stale etag', sdkError(412, 'PreconditionFailed'), { status: 412, transient: false, failure: false, text: '412 PreconditionFailed' }],
    ['connection refused', socketError('ECONNREFUSED'), { status: undefined, transient: true, failure: true, text: 'ECONNREFUSED' }],
    ['connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), { status: undefined, transient: true, failure: true, text: 'ECONNRESET' }],
    ['a ThrottlingError without a response', Object.assign(new Error('slow down'), { name: 'ThrottlingError' }), { status: 429, transient: true, failure: false, text: '429 ThrottlingError' }],
    ['a TLS trust error', Object.assign(new Error('self-signed certificate'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), { status: undefined, transient: false, failure: false, text: 'self-signed certificate' }],
  ])('%s', (_, err, expected) => {
    expect({ status: statusOf(err), transient: isTransient(err), failure: isHubFailure(err), text: describeHubError(err) }).toEqual(expected);
  });

  it('knows a missing device by its name or by 404 DeviceNotFound, not by any 404', () => {
    expect(isDeviceNotFound(sdkError(404, 'DeviceNotFound'))).toBe(true);
    expect(isDeviceNotFound(sdkError(404, 'JobNotFound'))).toBe(false);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMsOf(sdkError(429, 'Throttled', 'x', { 'retry-after': '3' }), 0)).toBe(3_000);
    expect(retryAfterMsOf(sdkError(429, 'Throttled', 'x', { 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMsOf(sdkError(429, 'Throttled'), 0)).toBeUndefined();
  });
});
