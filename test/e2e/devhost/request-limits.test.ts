/**
 * Requests refused before any function runs still get a problem+json answer naming what was wrong: header fields
 * over Node's limit (431), a URL over Azure's 4 KB (414), bytes that are not HTTP (400). The host keeps answering.
 */
import net from 'node:net';
import { json, startDevhost, type DevhostProcess } from '../../support/devhost-process';

let host: DevhostProcess;
beforeAll(async () => { host = await startDevhost(); });
afterAll(async () => { await host?.stop(); });

/** Sends `raw` bytes on a new connection and resolves with the status, content type and parsed body of the answer. */
function rawRequest(raw: string): Promise<{ status: number; contentType: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(host.port, '127.0.0.1', () => socket.write(raw));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => { answer += chunk; });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /\r\ncontent-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
      let parsed: unknown = body;
      try { parsed = JSON.parse(body); } catch { /* not JSON: the assertion shows it */ }
      resolve({ status, contentType, body: parsed });
    });
  });
}

it('answers 431 problem+json naming the headers when they are larger than 16 KB', async () => {
  const answer = await rawRequest(`GET /api/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
  expect(answer).toMatchObject({
    status: 431, contentType: 'application/problem+json',
    body: { status: 431, title: 'Request Header Fields Too Large', errors: [{ field: '(headers)' }] },
  });
});

it('answers 414 problem+json naming the URL when it is longer than 4 KB, short of the header limit or past it', async () => {
  for (const length of [5_000, 40_000]) {
    const answer = await rawRequest(`GET /api/hello?name=${'a'.repeat(length)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatchObject({ status: 414, contentType: 'application/problem+json', body: { status: 414, title: 'URI Too Long', errors: [{ field: '(url)' }] } });
  }
});

it('answers an over-long URL on a kept-alive connection that served other requests before', async () => {
  // fetch keeps connections alive: the first requests leave one open, the overflowing one reuses it.
  for (let i = 0; i < 3; i++) expect((await fetch(`${host.url}/api/hello/Ada`)).status).toBe(200);
  const res = await fetch(`${host.url}/api/hello?name=${'a'.repeat(20_000)}`);
  expect(res.status).toBe(414);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 414, errors: [{ field: '(url)' }] });
});

it('answers 400 problem+json to bytes that are not HTTP, and keeps serving', async () => {
  const answer = await rawRequest('NOT HTTP AT ALL\r\n\r\n');
  expect(answer).toMatchObject({ status: 400, contentType: 'application/problem+json', body: { status: 400, title: 'Bad Request' } });
  expect((await json(`${host.url}/api/hello/Ada`)).body).toMatchObject({ greeting: 'Hello, Ada' });
});
