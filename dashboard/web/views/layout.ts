/** The page's frame: skip link, banner with the signed-in user, the status line, and the main region. */
import { html, type TemplateResult } from 'lit-html';
import type { SignedInUser } from '../model/signed-in-user';
import { time } from './format';

export interface LayoutProps {
  user: SignedInUser | undefined;
  onSignOut: () => void;
  /** The result of the last action (announced politely). */
  notice: { text: string; error: boolean } | undefined;
  /** Why the last refresh failed, if it did. */
  refreshError: string | undefined;
  refreshedAt: string | undefined;
}

export function layout(props: LayoutProps, content: TemplateResult) {
  const { user } = props;
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="banner">
      <h1><a href="#/">OTA updates</a></h1>
      ${user ? html`
        <p class="who">Signed in as <strong>${user.name}</strong> (${user.roles.map((r) => r.replace('OTA.', '')).join(', ') || 'no role'})
          ${user.via === 'local' ? html`<button type="button" class="link" @click=${props.onSignOut}>Sign out</button>` : html`<a href="/.auth/logout?post_logout_redirect_uri=/api/dashboard">Sign out</a>`}</p>` : ''}
    </header>
    <div class="status-line">
      <p role="status" class=${props.notice?.error ? 'notice error' : 'notice'}>${props.notice?.text ?? ''}</p>
      <p class="muted refreshed">${props.refreshError ? html`<span class="error">Not refreshed: ${props.refreshError}</span>` : props.refreshedAt ? html`Updated ${time(props.refreshedAt)}; refreshes every few seconds.` : ''}</p>
    </div>
    <main id="main" tabindex="-1">${content}</main>`;
}
