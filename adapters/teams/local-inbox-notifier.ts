/**
 * The local stand-in for Teams: keeps every posted message in memory, newest last, so the local inbox route
 * (GET /api/local/teams-inbox) and tests can follow the cards' links like a person would.
 */
import type { TeamsMessage, TeamsNotifier } from './teams-notifier';

export class LocalInboxNotifier implements TeamsNotifier {
  private readonly posted: TeamsMessage[] = [];

  async post(message: TeamsMessage): Promise<void> {
    // A copy: later changes to the caller's object must not rewrite what was "sent".
    this.posted.push(structuredClone(message));
  }

  messages(): TeamsMessage[] {
    return structuredClone(this.posted);
  }
}
