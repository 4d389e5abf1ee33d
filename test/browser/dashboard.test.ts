/**
 * The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the local
 * stack: a newcomer drives a whole rollout from the page alone (create, approve, watch, pause, resume), a viewer
 * reads the fleet, an operator follows a rollout to its end, an approver approves one with the keyboard alone, and
 * a viewer is offered no approve button and no New rollout.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startLocalStack, waitForRollout, writeProfile, type LocalStack } from '../support/local-stack';
import { registerUpdate, rolloutBody, twoSiteFleet } from '../e2e/rollouts/fixtures';

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let stack: LocalStack;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Uncaught errors of the pages: a page that throws is a failed test, whatever it shows. */
const pageErrors: string[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startLocalStack({ fleet: writeProfile(twoSiteFleet()), timeSkip: true }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs }),
  ]);
  await registerUpdate(stack);
}, 60_000);
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await stack.setTimeSkip(true);
  expect(pageErrors.splice(0)).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A fresh tab signed in through the local sign-in form; the page refreshes twice a second. */
async function signedIn(name: string, role: string, hash = '#/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${stack.url}/api/dashboard?poll=500${hash}`);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Role').selectOption(role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
  return page;
}

const approval = { stages: [{ name: 'quality', approvers: ['approver@contoso.com'], quorum: 1, timeout: 'PT24H' }] };

async function createRollout(overrides: Record<string, unknown> = {}): Promise<string> {
  const { status, body } = await stack.api('POST', 'rollouts', rolloutBody(overrides), 'ops@contoso.com', ['OTA.Operator']);
  expect(status).toBe(201);
  return body.id;
}

const statusOf = (page: Page) => page.locator('#rollout-status');

it("shows a viewer the fleet's versions by site and model", async () => {
  const page = await signedIn('viewer@contoso.com', 'OTA.Viewer');
  const fleet = page.getByRole('table', { name: 'Versions by site and model' });
  await fleet.waitFor();
  const rows = await fleet.locator('tbody tr').allInnerTexts();
  expect(rows.map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([['plant-a', 'ctl-a', '120', '120'], ['plant-b', 'ctl-b', '80', '80']]);
  expect(await fleet.locator('thead th').allInnerTexts()).toEqual(['Site', 'Model', 'Devices', '1.0.0']);
});

it('lets a newcomer drive a whole rollout from the dashboard alone: create, approve, watch, pause, resume', async () => {
  await stack.setTimeSkip(false); // the approval waits and the canary soaks (30 minutes by default) in real time
  const operator = await signedIn('ops@contoso.com', 'OTA.Operator');
  await operator.getByRole('link', { name: 'New rollout' }).click();
  await operator.getByRole('heading', { name: 'New rollout' }).waitFor();
  // Every default is on show as the placeholder of the field it fills.
  expect(await operator.getByLabel('Canary soak').getAttribute('placeholder')).toBe('PT30M');
  expect(await operator.getByLabel('Health check every').getAttribute('placeholder')).toBe('PT1M');
  expect(await operator.getByLabel('Roll back at failed %').getAttribute('placeholder')).toBe('5');

  await operator.getByLabel('Update').selectOption({ label: 'contoso/line-controller 2.0.0' });
  await operator.getByLabel('Target query').fill("tags.site = 'plant-b'");
  await operator.getByText('80 devices match in the fleet inventory.').waitFor();
  await operator.getByLabel('Wave 1 percent').fill('100');
  await operator.getByLabel('Wave 1 soak').fill('an hour');
  await operator.getByLabel('Approvers').fill('approver@contoso.com');
  await operator.getByLabel('Approval expires after').fill('PT24H');
  await operator.getByRole('button', { name: 'Create rollout' }).click();

  // Refused: the service's words next to the field, which is marked invalid, described by them, and focused.
  const soak = operator.getByLabel('Wave 1 soak');
  await operator.locator('#f-waves-0-soak-error').getByText("'an hour' is not an ISO 8601 duration", { exact: false }).waitFor();
  expect(await soak.getAttribute('aria-invalid')).toBe('true');
  expect(await soak.getAttribute('aria-describedby')).toBe('f-waves-0-soak-error');
  expect(await operator.locator(':focus').getAttribute('id')).toBe('f-waves-0-soak');
  expect(await operator.getByRole('alert').innerText()).toContain('The service refused the rollout.');

  await soak.fill('PT1H');
  await operator.getByRole('button', { name: 'Create rollout' }).click();
  await statusOf(operator).getByText('Pending approval').waitFor();
  const id = decodeURIComponent(/#\/rollouts\/(.+)$/.exec(operator.url())![1]!);
  expect(await operator.getByRole('status').innerText()).toBe(`Created rollout ${id}: pending approval.`);
  expect(await operator.getByRole('button', { name: /^Approve/ }).count()).toBe(0); // operators do not approve

  const approver = await signedIn('approver@contoso.com', 'OTA.Approver', `#/rollouts/${id}`);
  expect(await approver.getByRole('link', { name: 'New rollout' }).count()).toBe(0);
  await approver.getByRole('button', { name: `Approve rollout ${id}` }).click();
  await approver.getByRole('status').getByText(`Approved rollout ${id}.`).waitFor();

  // The operator's page follows by itself; the canary soaks until the clock skips again.
  await statusOf(operator).getByText('In progress').waitFor();
  await operator.getByRole('button', { name: 'Pause' }).click();
  await statusOf(operator).getByText('Paused').waitFor();
  await operator.getByRole('button', { name: 'Resume' }).click();
  await statusOf(operator).getByText('In progress').waitFor();
  await stack.setTimeSkip(true);
  await statusOf(operator).getByText('Completed').waitFor({ timeout: 45_000 });
  const waves = await operator.locator('progress').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('aria-label')));
  expect(waves).toEqual(['Canary: Promoted, 1 of 1 devices done', 'Wave 1: Promoted, 79 of 79 devices done']);
  const actions = await operator.getByRole('region', { name: 'Audit trail' }).locator('tbody th').allInnerTexts();
  expect(actions).toEqual(expect.arrayContaining(['rollout.created', 'rollout.approved', 'rollout.paused', 'rollout.resumed', 'rollout.completed']));
});

it('lets an operator follow a rollout to its end, pausing and resuming it on the way', async () => {
  await stack.setTimeSkip(false); // the canary soaks in real time: the rollout waits for the pause
  const id = await createRollout();
  const page = await signedIn('ops@contoso.com', 'OTA.Operator', `#/rollouts/${id}`);
  await statusOf(page).getByText('In progress').waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await statusOf(page).getByText('Paused').waitFor();
  expect(await page.getByRole('status').innerText()).toBe(`Asked rollout ${id} to pause.`);
  await page.getByRole('button', { name: 'Resume' }).click();
  await statusOf(page).getByText('In progress').waitFor();
  await stack.setTimeSkip(true);
  await statusOf(page).getByText('Completed').waitFor({ timeout: 45_000 });

  expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
  const waves = await page.locator('progress').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('aria-label')));
  expect(waves).toEqual([
    'Canary: Promoted, 10 of 10 devices done',
    'Wave 1: Promoted, 40 of 40 devices done',
    'Wave 2: Promoted, 70 of 70 devices done',
    'Wave 3: Promoted, 80 of 80 devices done',
  ]);
  await page.getByRole('img', { name: /^Canary: \d+ health checks; at the latest 10 healthy/ }).waitFor();
  const timeline = await page.locator('.timeline li').allInnerTexts();
  expect(timeline.at(-1)).toMatch(/Completed: /);
  const audit = page.getByRole('region', { name: 'Audit trail' });
  await audit.getByText('rollout.completed').waitFor();
  const actions = await audit.locator('tbody th').allInnerTexts();
  expect(actions).toEqual(expect.arrayContaining(['rollout.created', 'rollout.paused', 'rollout.resumed', 'wave.promoted', 'rollout.completed']));
});

/** A rollout waiting for `approval`; time skipping stays off meanwhile, or the approval would expire at once. */
async function pendingRollout(): Promise<string> {
  await stack.setTimeSkip(false);
  const id = await createRollout({ approval });
  await waitForRollout(stack, id, ['PendingApproval']);
  return id;
}

it('lets an approver reach the approve button with the keyboard and approve', async () => {
  const id = await pendingRollout();
  await waitForRollout(stack, id, ['PendingApproval']);
  const page = await signedIn('approver@contoso.com', 'OTA.Approver');
  await page.getByRole('heading', { name: id }).waitFor();
  await page.reload(); // signed in for the tab: start from the top of a fresh page, keyboard only
  await page.getByRole('heading', { name: id }).waitFor();
  const approve = `Approve rollout ${id}`;
  let focused = '';
  for (let presses = 0; presses < 30 && focused !== approve; presses++) {
    await page.keyboard.press('Tab');
    focused = (await page.locator(':focus').getAttribute('aria-label')) ?? '';
  }
  expect(focused).toBe(approve);
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText(`Approved rollout ${id}.`).waitFor();
  const done = await waitForRollout(stack, id, ['InProgress', 'Completed']);
  expect(done.approvals.map((a: any) => [a.approver, a.decision, a.stage])).toEqual([['approver@contoso.com', 'approve', 'quality']]);
  await page.getByRole('heading', { name: id }).waitFor({ state: 'detached' }); // no longer pending
});

it('offers a viewer no approve and no control button; an operator may cancel the pending rollout', async () => {
  const id = await pendingRollout();
  const viewer = await signedIn('viewer@contoso.com', 'OTA.Viewer');
  await viewer.getByRole('heading', { name: id }).waitFor();
  expect(await viewer.getByText('Your role cannot approve').count()).toBe(1);
  expect(await viewer.getByRole('link', { name: 'New rollout' }).count()).toBe(0);
  expect(await viewer.getByRole('button', { name: /^(Approve|Reject)/ }).count()).toBe(0);
  await viewer.getByRole('link', { name: id }).first().click();
  await statusOf(viewer).getByText('Pending approval').waitFor();
  await viewer.getByRole('heading', { name: 'Audit trail' }).waitFor();
  expect(await viewer.getByRole('button').allInnerTexts()).toEqual(['Sign out']);

  const operator = await signedIn('ops@contoso.com', 'OTA.Operator', `#/rollouts/${id}`);
  await statusOf(operator).getByText('Pending approval').waitFor();
  expect(await operator.getByRole('button', { name: 'Approve' }).count()).toBe(0); // operators do not approve
  operator.once('dialog', (dialog) => void dialog.accept());
  await operator.getByRole('button', { name: 'Cancel' }).click();
  await statusOf(operator).getByText('Cancelled').waitFor();
  await statusOf(viewer).getByText('Cancelled').waitFor(); // the viewer's page follows by itself
});
