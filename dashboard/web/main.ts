/**
 * The dashboard: asks the service who is signed in, shows the view the URL's hash names (`#/`, `#/new` or
 * `#/rollouts/<id>`), and refreshes it every few seconds while the tab is visible. Every change goes through the
 * API as the signed-in user; what the page offers follows the permissions `GET /api/me` lists.
 */
import { html, render } from 'lit-html';
import './styles.css';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { InventoryReport } from '../../domain/reports/inventory';
import type { RolloutReport } from '../../domain/reports/rollout-report';
import type { ControlAction } from '../../domain/rollouts/rollout-control';
import type { RolloutView } from '../../domain/rollouts/rollout-view';
import type { Update } from '../../domain/updates/update';
import { ApiError, createApi } from './api-client';
import { emptyDraft, errorsByField, rolloutBody, type DraftField, type RolloutDraft } from './model/rollout-draft';
import { may } from './model/signed-in-user';
import { routeOf, type Route } from './model/route';
import { detectSignIn, forgetLocalUser, identityHeaders, signInHref, signInLocally, type SignInState } from './sign-in';
import { rolloutHref, splitWords } from './views/format';
import { layout } from './views/layout';
import { newRolloutForm } from './views/new-rollout-form';
import { overview } from './views/overview';
import { rolloutDetail } from './views/rollout-detail';
import type { RolloutFilter } from './views/rollouts-table';
import { localSignInForm } from './views/sign-in-form';

/** `?poll=<ms>` shortens the refresh (tests); a few seconds otherwise. */
const pollMs = Math.min(60_000, Math.max(250, Number(new URLSearchParams(location.search).get('poll')) || 3000));
/** The inventory reads every device: at most this often. */
const inventoryEveryMs = 15_000;

type Notice = { text: string; error: boolean };

interface State {
  signIn: SignInState | undefined;
  route: Route;
  rollouts: RolloutView[] | undefined;
  inventory: InventoryReport | undefined;
  inventoryAt: number;
  report: RolloutReport | undefined;
  audit: AuditEntry[] | undefined;
  filter: RolloutFilter;
  busy: Set<string>;
  notice: Notice | undefined;
  /** A notice for the view the page is about to show (set before a navigation). */
  nextNotice: Notice | undefined;
  refreshError: string | undefined;
  refreshedAt: string | undefined;
  updates: Update[] | undefined;
  draft: RolloutDraft;
  draftErrors: Map<DraftField | '(form)', string[]>;
  submitting: boolean;
}

const state: State = {
  signIn: undefined, route: routeOf(location.hash), rollouts: undefined, inventory: undefined, inventoryAt: 0, report: undefined,
  audit: undefined, filter: 'all', busy: new Set(), notice: undefined, nextNotice: undefined, refreshError: undefined, refreshedAt: undefined,
  updates: undefined, draft: emptyDraft(), draftErrors: new Map(), submitting: false,
};
const root = document.getElementById('app')!;
const user = () => (state.signIn?.kind === 'signed-in' ? state.signIn.user : undefined);
const api = createApi(() => identityHeaders(user()));

function view() {
  const signIn = state.signIn;
  if (!signIn) return html`<p>Loading…</p>`;
  if (signIn.kind === 'unavailable') return html`<h2 id="view-heading" tabindex="-1">Not reachable</h2><p class="error">${signIn.message} The page tries again every few seconds.</p>`;
  if (signIn.kind === 'signed-out') {
    return signIn.signInUrl
      ? html`<h2 id="view-heading" tabindex="-1">Sign in</h2><p><a href=${signInHref(signIn.signInUrl)}>Sign in with your organisation account</a> to see the fleet.</p>`
      : localSignInForm(onLocalSignIn, signIn.error);
  }
  const me = signIn.user;
  const props = { canApprove: may(me, 'rollouts.approve'), onDecide: decide };
  if (state.route.view === 'rollout') {
    const id = state.route.id;
    return rolloutDetail({ ...props, id, report: state.report, audit: state.audit, canControl: may(me, 'rollouts.control'), busy: state.busy.has(id), onControl: control });
  }
  if (state.route.view === 'new-rollout') {
    if (!may(me, 'rollouts.create')) return html`<h2 id="view-heading" tabindex="-1">New rollout</h2><p>Your role cannot create rollouts: an operator or an admin does.</p><p><a href="#/">← All rollouts</a></p>`;
    return newRolloutForm({
      draft: state.draft, updates: state.updates, fleet: state.inventory, errors: state.draftErrors, submitting: state.submitting,
      onChange: draw, onSubmit: () => void submitRollout(),
    });
  }
  return overview({ ...props, canCreate: may(me, 'rollouts.create'), rollouts: state.rollouts, inventory: state.inventory, busy: state.busy, filter: state.filter, onFilter: (filter) => { state.filter = filter; draw(); } });
}

function draw(): void {
  render(layout({ user: user(), onSignOut: signOut, notice: state.notice, refreshError: state.refreshError, refreshedAt: state.refreshedAt }, view()), root);
}

/** Reads what the current view shows; one refresh at a time. */
let refreshing: Promise<void> | undefined;
function refresh(): Promise<void> {
  return (refreshing ??= load().finally(() => { refreshing = undefined; }));
}

async function load(): Promise<void> {
  if (state.signIn?.kind === 'unavailable') state.signIn = await detectSignIn();
  if (!user()) return draw();
  const route = state.route;
  try {
    if (route.view === 'rollout') {
      const [report, audit] = await Promise.all([api.rolloutReport(route.id), api.audit(`rollouts/${route.id}`)]);
      if (state.route !== route) return;
      state.report = report;
      state.audit = audit;
    } else if (route.view === 'new-rollout') {
      void refreshInventory(); // counts the devices a target reaches
      state.updates ??= await api.updates();
    } else {
      void refreshInventory();
      state.rollouts = await api.rollouts();
    }
    state.refreshError = undefined;
    state.refreshedAt = new Date().toISOString();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) state.signIn = await detectSignIn(); // the session ended
    else state.refreshError = err instanceof Error ? err.message : String(err);
  }
  draw();
}

/** The inventory reads every device (seconds for a large fleet): on its own, so the rollouts never wait for it. */
let inventoryLoading = false;
async function refreshInventory(): Promise<void> {
  if (inventoryLoading || Date.now() - state.inventoryAt < inventoryEveryMs) return;
  inventoryLoading = true;
  try {
    state.inventory = await api.inventory();
    state.inventoryAt = Date.now();
  } catch (err) {
    state.refreshError = err instanceof Error ? err.message : String(err);
  } finally {
    inventoryLoading = false;
  }
  draw();
}

async function act(id: string, what: () => Promise<RolloutView>, done: (rollout: RolloutView) => string): Promise<void> {
  state.busy.add(id);
  draw();
  try {
    state.notice = { text: done(await what()), error: false };
  } catch (err) {
    state.notice = { text: err instanceof ApiError ? err.message : String(err), error: true };
  } finally {
    state.busy.delete(id);
  }
  draw();
  await refresh();
}

function decide(id: string, decision: 'approve' | 'reject', comment: string): void {
  void act(id, () => api.decide(id, decision, comment), () => `${decision === 'approve' ? 'Approved' : 'Rejected'} rollout ${id}.`);
}

const confirmations: Partial<Record<ControlAction, string>> = {
  cancel: 'Cancel this rollout? Devices keep what they have; nothing more is sent.',
  rollback: 'Roll this rollout back? Every updated device is restored to its previous version.',
};

function control(id: string, action: ControlAction): void {
  const question = confirmations[action];
  if (question && !confirm(question)) return;
  void act(id, () => api.control(id, action), () => `Asked rollout ${id} to ${action === 'rollback' ? 'roll back' : action}.`);
}

/** Creates the rollout; on success shows it, on a refusal marks each refused field and moves focus to the first. */
async function submitRollout(): Promise<void> {
  if (state.submitting) return;
  state.submitting = true;
  state.draftErrors = new Map();
  draw();
  try {
    const created = await api.createRollout(rolloutBody(state.draft));
    state.draft = emptyDraft();
    state.nextNotice = { text: `Created rollout ${created.id}: ${splitWords(created.status).toLowerCase()}.`, error: false };
    location.hash = rolloutHref(created.id);
  } catch (err) {
    const refusal = err instanceof ApiError ? err : new ApiError(0, String(err));
    state.draftErrors = errorsByField(refusal.errors.length ? refusal.errors : [{ field: '(body)', message: refusal.message }], state.draft.waves.length);
  } finally {
    state.submitting = false;
  }
  draw();
  if (state.draftErrors.size) {
    const first = root.querySelector<HTMLElement>('[aria-invalid="true"]') ?? document.getElementById('form-errors');
    first?.focus();
  }
}

async function onLocalSignIn(name: string, role: string): Promise<void> {
  state.signIn = await signInLocally(name, role);
  draw();
  document.getElementById('view-heading')?.focus(); // the form is gone: keyboard users start at the view
  void refresh();
}

function signOut(): void {
  forgetLocalUser();
  state.signIn = { kind: 'signed-out', signInUrl: undefined };
  state.rollouts = undefined;
  state.inventory = undefined;
  state.inventoryAt = 0;
  state.updates = undefined;
  state.draft = emptyDraft();
  state.draftErrors = new Map();
  draw();
  document.getElementById('sign-in-name')?.focus();
}

function onRouteChange(): void {
  state.route = routeOf(location.hash);
  state.report = undefined;
  state.audit = undefined;
  state.notice = state.nextNotice;
  state.nextNotice = undefined;
  state.draftErrors = new Map();
  if (state.route.view === 'new-rollout') state.updates = undefined; // read again: one may have been registered since
  draw();
  // Keyboard and screen reader users land on the new view's heading.
  document.getElementById('view-heading')?.focus();
  void refresh();
}

async function start(): Promise<void> {
  root.replaceChildren(); // the placeholder shown until the script runs
  draw();
  state.signIn = await detectSignIn();
  draw();
  await refresh();
  window.addEventListener('hashchange', onRouteChange);
  const tick = async () => {
    if (document.visibilityState === 'visible') await refresh();
    setTimeout(tick, pollMs);
  };
  setTimeout(tick, pollMs);
}

void start();
