/** Posts messages to a Teams Workflows webhook URL (the successor of incoming webhooks). */
import type { TeamsMessage, TeamsNotifier } from './teams-notifier';

export class TeamsWebhookError extends Error {
  override name = 'TeamsWebhookError';
  constructor(readonly status: number, detail: string) {
    // The URL is left out on purpose: its `sig` query parameter is what authorizes posting.
    super(`the Teams webhook answered ${status}${detail ? `: ${detail}` : ''}`);
  }
}

export class WebhookNotifier implements TeamsNotifier {
  constructor(
    private readonly url: string,
    private readonly options: { timeoutMs?: number; fetch?: typeof fetch } = {},
  ) {}

  async post(message: TeamsMessage): Promise<void> {
    const send = this.options.fetch ?? fetch;
    const response = await send(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    // Read the body either way, so the connection is released.
    const text = await response.text().catch(() => '');
    if (!response.ok) throw new TeamsWebhookError(response.status, text.slice(0, 300));
  }
}
