import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpRequest } from '@azure/functions';
import { createDashboardHandler } from '../../../dashboard/server/serve-dashboard';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
  fs.mkdirSync(path.join(dir, 'web'));
  fs.writeFileSync(path.join(dir, 'web', 'index.html'), '<!doctype html><title>OTA</title>');
  fs.writeFileSync(path.join(dir, 'web', 'main.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.js'), 'outside');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (file: string | undefined, root = path.join(dir, 'web')) =>
  createDashboardHandler(root)(new HttpRequest({ method: 'GET', url: `http://localhost/api/dashboard/${file ?? ''}`, params: file === undefined ? {} : { file } }));

describe('serving the dashboard', () => {
  it('answers the page at /api/dashboard, with a policy that lets only its own scripts run', async () => {
    const res = await get(undefined);
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain('<title>OTA</title>');
    const headers = res.headers as Record<string, string>;
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Content-Security-Policy']).toContain("script-src 'self'");
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('answers the page at any address without a file extension (the page routes itself)', async () => {
    const res = await get('rollouts/ro-1');
    expect(res.status).toBe(200);
    expect((res.headers as Record<string, string>)['Content-Type']).toBe('text/html; charset=utf-8');
  });

  it('serves an asset with its type', async () => {
    const res = await get('main.js');
    expect(res.status).toBe(200);
    expect((res.headers as Record<string, string>)['Content-Type']).toBe('text/javascript; charset=utf-8');
  });

  it('serves nothing outside its folder, nothing of an unknown type, and says so when a file is missing', async () => {
    expect((await get('../secret.js')).status).toBe(404);
    expect((await get('index.ts')).status).toBe(404);
    const missing = await get('nope.js');
    expect(missing.status).toBe(404);
    expect((missing.jsonBody as { detail: string }).detail).toBe("The dashboard has no file 'nope.js'.");
  });

  it('tells how to build it when it is not built', async () => {
    const res = await get(undefined, path.join(dir, 'not-built'));
    expect(res.status).toBe(404);
    expect((res.jsonBody as { detail: string }).detail).toMatch(/npm run build/);
  });
});
