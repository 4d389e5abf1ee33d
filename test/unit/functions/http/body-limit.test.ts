import { HttpRequest } from '@azure/functions';
import { checkBodySize } from '../../../../functions/http/body-limit';

const url = 'http://127.0.0.1/api/rollouts';

describe('checkBodySize', () => {
  test('a Content-Length over the limit is answered 413 problem+json naming the body', async () => {
    const request = new HttpRequest({ method: 'POST', url, headers: { 'content-length': String(3_500_000) }, body: { string: '{}' } });
    const response = await checkBodySize(request, 256 * 1024);
    expect(response?.status).toBe(413);
    expect(response?.headers).toEqual({ 'Content-Type': 'application/problem+json' });
    expect(response?.jsonBody).toMatchObject({ status: 413, errors: [{ field: '(body)', message: 'larger than 256 KB' }] });
  });

  test('a body without Content-Length (chunked) growing past the limit is answered 413', async () => {
    const request = new HttpRequest({ method: 'POST', url, body: { bytes: new Uint8Array(1024 * 1024).fill(0x20) } });
    expect(request.headers.get('content-length')).toBeNull();
    expect((await checkBodySize(request, 256 * 1024))?.status).toBe(413);
  });

  test('a body within the limit passes and can still be read by the handler', async () => {
    const body = JSON.stringify({ hello: 'x'.repeat(1000) });
    const request = new HttpRequest({ method: 'POST', url, body: { string: body } });
    expect(await checkBodySize(request, 256 * 1024)).toBeUndefined();
    expect(await request.text()).toBe(body);
  });

  test('a request without a body passes', async () => {
    expect(await checkBodySize(new HttpRequest({ method: 'GET', url }), 10)).toBeUndefined();
  });
});
