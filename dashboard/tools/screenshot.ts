/**
 * `npm run screenshot`: the README's picture of the dashboard (docs/dashboard.png), taken with the browser tests'
 * tooling (Debian's Chromium driven by playwright-core). Starts the local stack with a small three-site fleet,
 * finishes one rollout, leaves one soaking its canary and one waiting for approval, and photographs the overview
 * as an admin sees it on a laptop (Approve / Reject and New rollout on show). The stack and the fleet profile are gone when it ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { launchDemoStack, type DemoApi } from '../../scripts/demo-stack';
import { demoUpdateId, registerDemoUpdate } from '../../scripts/demo-update';

const output = path.resolve(__dirname, '../../../docs/dashboard.png');
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const fleet = {
  devices: [
    { count: 60, idPrefix: 'plant-a-ctl-a-', tags: { site: 'plant-a', model: 'ctl-a' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    { count: 40, idPrefix: 'plant-b-ctl-b-', tags: { site: 'plant-b', model: 'ctl-b' }, installedVersion: '1.0.0', updateName: 'line-controller' },
    { count: 30, idPrefix: 'plant-c-ctl-a-', tags: { site: 'plant-c', model: 'ctl-a' }, installedVersion: '0.9.2', updateName: 'line-controller' },
  ],
};

const rollout = (query: string, extra: Record<string, unknown> = {}) => ({
  updateId: demoUpdateId,
  target: { query },
  canary: { devices: 5 },
  canarySoak: 'PT30M',
  waves: [{ percent: 50, soak: 'PT1H' }, { percent: 100, soak: 'PT1H' }],
  healthCheckInterval: 'PT5M',
  ...extra,
});

async function created(api: DemoApi, body: unknown): Promise<string> {
  const { status, body: answer } = await api.call<{ id: string }>('POST', 'rollouts', body);
  if (status !== 201) throw new Error(`creating a rollout answered ${status}: ${JSON.stringify(answer)}`);
  return answer.id;
}

async function until(api: DemoApi, id: string, statuses: string[]): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { body } = await api.call<{ status: string }>('GET', `rollouts/${id}`);
    if (statuses.includes(body.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`rollout ${id} never reached ${statuses.join(' or ')}`);
}

async function timeSkip(api: DemoApi, on: boolean): Promise<void> {
  const res = await fetch(`${api.url}/admin/host/clock`, { method: 'POST', body: JSON.stringify({ autoSkip: on }) });
  if (res.status !== 200) throw new Error(`the devhost's clock answered ${res.status}`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-screenshot-'));
  const profile = path.join(dir, 'fleet.json');
  fs.writeFileSync(profile, JSON.stringify(fleet));
  const stack = launchDemoStack(['--fleet', profile, '--time-skip']);
  try {
    const api = await stack.ready;
    await registerDemoUpdate(api.url);
    await until(api, await created(api, rollout("tags.site = 'plant-c'")), ['Completed']);
    await timeSkip(api, false); // what follows waits in real time: a canary soaking, an approval pending
    await until(api, await created(api, rollout("tags.site = 'plant-a'")), ['InProgress']);
    const approval = { stages: [{ name: 'quality', approvers: ['approver@contoso.com'], quorum: 1, timeout: 'PT24H' }] };
    await until(api, await created(api, rollout("tags.site = 'plant-b'", { approval })), ['PendingApproval']);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${api.url}/api/dashboard`);
      await page.getByLabel('Name').fill('admin@contoso.com');
      await page.getByLabel('Role').selectOption('OTA.Admin');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('table', { name: 'Versions by site and model' }).waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: /^Approve rollout/ }).waitFor();
      await page.getByRole('link', { name: 'New rollout' }).waitFor();
      fs.mkdirSync(path.dirname(output), { recursive: true });
      await page.screenshot({ path: output, fullPage: true });
    } finally {
      await browser.close();
    }
    console.log(`wrote ${path.relative(process.cwd(), output)}`);
  } finally {
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
