/** The local sign-in form: shown where the service names no sign-in page (the local stack). */
import { html } from 'lit-html';
import { roles } from '../../../domain/access/roles';

export function localSignInForm(onSignIn: (name: string, role: string) => void, error?: string) {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const name = String(form.get('name') ?? '').trim();
    if (name) onSignIn(name, String(form.get('role')));
  };
  return html`
    <section class="panel sign-in" aria-labelledby="view-heading">
      <h2 id="view-heading" tabindex="-1">Local sign-in</h2>
      <p>The service names no sign-in page, so this is a local stack: say who you are and which role you hold. The
        page sends them with every API call as the principal headers App Service authentication adds in Azure.</p>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form @submit=${submit}>
        <label for="sign-in-name">Name</label>
        <input id="sign-in-name" name="name" type="text" autocomplete="username" required placeholder="ops@contoso.com">
        <label for="sign-in-role">Role</label>
        <select id="sign-in-role" name="role">
          ${roles.map((role) => html`<option value=${role}>${role.replace('OTA.', '')}</option>`)}
        </select>
        <button type="submit">Sign in</button>
      </form>
    </section>`;
}
