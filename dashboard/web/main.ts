/**
 * The dashboard: finds out who is signed in, shows the view the URL's hash names (`#/` or `#/rollouts/<id>`), and
 * refreshes it every few seconds while the tab is visible. Every change goes through the API as the signed-in user.
 */
import { html, render } from 'lit-html';
import './styles.css';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { InventoryReport } from '../../domain/reports/inventory';
import type { RolloutReport } from '../../domain/reports/rollout-report';
import type { ControlAction } from '../../domain/rollouts/rollout-control';
import type { RolloutView } from '../../domain/rollouts/rollout-view';
import { ApiError, createApi } from './api-client';
import { may } from './model/signed-in-user';
import { routeOf, type Route } from './model/route';
import { appServiceSignInUrl, detectSignIn, forgetLocalUser, identityHeaders, saveLocalUser, type SignInState } from './sign-in';
import { layout } from './views/layout';
import { overview } from './views/overview';
import { rolloutDetail } from './views/rollout-detail';
import type { RolloutFilter } from './views/rollouts-table';
import { localSignInForm } from './views/sign-in-form';

/** `?poll=<ms>` shortens the refresh (tests); a few seconds otherwise. */
const pollMs = Math.min(60_000, Math.max(250, Number(new URLSearchParams(location.search).get('poll')) || 3000));
/** The inventory reads every device: at most this often. */
const inventoryEveryMs = 15_000;

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
  notice: { text: string; error: boolean } | undefined;
  refreshError: string | undefined;
  refreshedAt: string | undefined;
}

const state: State = {
  signIn: undefined, route: routeOf(location.hash), rollouts: undefined, inventory: undefined, inventoryAt: 0, report: undefined,
  audit: undefined, filter: 'all', busy: new Set(), notice: undefined, refreshError: undefined, refreshedAt: undefined,
};
const root = document.getElementById('app')!;
const user = () => (state.signIn && 'user' in state.signIn ? state.signIn.user : undefined);
const api = createApi(() => identityHeaders(user()));

function view() {
  const signIn = state.signIn;
  if (!signIn) return html`<p>Loading…</p>`;
  if (signIn.kind === 'app-service-signed-out') return html`<h2 id="view-heading" tabindex="-1">Sign in</h2><p><a href=${appServiceSignInUrl()}>Sign in with your organisation account</a> to see the fleet.</p>`;
  if (!signIn.user) return localSignInForm(onLocalSignIn);
  const props = { canApprove: may(signIn.user, 'rollouts.approve'), onDecide: decide };
  if (state.route.view === 'rollout') {
    const id = state.route.id;
    return rolloutDetail({ ...props, id, report: state.report, audit: state.audit, canControl: may(signIn.user, 'rollouts.control'), busy: state.busy.has(id), onControl: control });
  }
  return overview({ ...props, rollouts: state.rollouts, inventory: state.inventory, busy: state.busy, filter: state.filter, onFilter: (filter) => { state.filter = filter; draw(); } });
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
  if (!user()) return;
  const route = state.route;
  try {
    if (route.view === 'rollout') {
      const [report, audit] = await Promise.all([api.rolloutReport(route.id), api.audit(`rollouts/${route.id}`)]);
      if (state.route !== route) return;
      state.report = report;
      state.audit = audit;
    } else {
      void refreshInventory();
      state.rollouts = await api.rollouts();
    }
    state.refreshError = undefined;
    state.refreshedAt = new Date().toISOString();
  } catch (err) {
    state.refreshError = err instanceof Error ? err.message : String(err);
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

function onLocalSignIn(name: string, role: string): void {
  state.signIn = { kind: 'local', user: saveLocalUser(name, role) };
  draw();
  document.getElementById('view-heading')?.focus(); // the form is gone: keyboard users start at the view
  void refresh();
}

function signOut(): void {
  forgetLocalUser();
  state.signIn = { kind: 'local', user: undefined };
  state.rollouts = undefined;
  state.inventory = undefined;
  state.inventoryAt = 0;
  draw();
  document.getElementById('sign-in-name')?.focus();
}

function onRouteChange(): void {
  state.route = routeOf(location.hash);
  state.report = undefined;
  state.audit = undefined;
  state.notice = undefined;
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
