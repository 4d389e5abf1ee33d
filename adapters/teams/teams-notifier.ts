/**
 * The port to Teams: post one message to a channel or chat. The message is what a Teams Workflows webhook
 * ("When a Teams webhook request is received") accepts: a message with Adaptive Card attachments.
 */

export const adaptiveCardContentType = 'application/vnd.microsoft.card.adaptive';

/** An Adaptive Card (https://adaptivecards.io); only the parts this app builds are typed. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: Record<string, unknown>[];
  actions: OpenUrlAction[];
  msteams?: { width: 'Full' };
}

/** The one action that works without a bot: it opens a URL in the browser. */
export interface OpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
  style?: 'positive' | 'destructive';
}

export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: typeof adaptiveCardContentType; content: AdaptiveCard }[];
}

export interface TeamsNotifier {
  post(message: TeamsMessage): Promise<void>;
}
