/** EventPublisher on an Event Grid topic (CloudEvents 1.0 schema), authenticated by managed identity. */
import { EventGridPublisherClient } from '@azure/eventgrid';
import type { TokenCredential } from '@azure/identity';
import type { EventPublisher, LifecycleEvent } from '../../domain/events/lifecycle-event';

export class EventGridPublisher implements EventPublisher {
  private readonly client: EventGridPublisherClient<'CloudEvent'>;

  constructor(topicEndpoint: string, credential: TokenCredential, private readonly source = '/ota-update-service') {
    this.client = new EventGridPublisherClient(topicEndpoint, 'CloudEvent', credential);
  }

  async publish(events: readonly LifecycleEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.send(events.map((e) => ({ id: e.id, type: e.type, source: this.source, subject: e.subject, time: new Date(e.time), data: e.data })));
  }
}
