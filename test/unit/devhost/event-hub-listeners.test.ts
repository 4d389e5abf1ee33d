import type { RegisteredFunction } from '../../../devhost/functions-core';
import { indexEventHubListeners } from '../../../devhost/triggers/event-hub-listeners';

const fn = (name: string, trigger: Record<string, unknown>): RegisteredFunction => ({
  metadata: { name, bindings: { t: { type: 'eventHubTrigger', direction: 'in', ...trigger } } },
  callback: () => undefined,
});

describe('indexEventHubListeners', () => {
  it('resolves %SETTING% names, defaults the consumer group to $Default and a missing cardinality to one', () => {
    const { listeners, errors } = indexEventHubListeners([
      fn('a', { connection: 'CONN', eventHubName: '%HUB%', consumerGroup: '%GROUP%', cardinality: 'many' }),
      fn('b', { connection: 'CONN', eventHubName: 'plain' }),
    ], { HUB: 'iothub', GROUP: 'svc', CONN: 'Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s' });
    expect(errors).toEqual([]);
    expect(listeners.map(({ eventHubName, consumerGroup, cardinality, fullyQualifiedNamespace }) => ({ eventHubName, consumerGroup, cardinality, fullyQualifiedNamespace }))).toEqual([
      { eventHubName: 'iothub', consumerGroup: 'svc', cardinality: 'many', fullyQualifiedNamespace: 'ns.servicebus.windows.net' },
      { eventHubName: 'plain', consumerGroup: '$Default', cardinality: 'one', fullyQualifiedNamespace: 'ns.servicebus.windows.net' },
    ]);
  });

  it('refuses a function whose setting is not set, naming the function, the property and the setting', () => {
    const { listeners, errors } = indexEventHubListeners([fn('c', { connection: 'X', eventHubName: 'h', consumerGroup: '%MISSING%' })], {});
    expect(listeners).toEqual([]);
    expect(errors).toEqual([{ functionName: 'c', message: "Error indexing function 'c': 'consumerGroup' refers to the app setting '%MISSING%', which is not set." }]);
  });

  it('lets the EntityPath of the connection name the event hub', () => {
    const { listeners } = indexEventHubListeners([fn('d', { connection: 'C', eventHubName: 'ignored' })], { C: 'Endpoint=sb://localhost:8443/;EntityPath=iothub' });
    expect(listeners[0]).toMatchObject({ eventHubName: 'iothub', fullyQualifiedNamespace: 'localhost' });
  });
});
