/**
 * Which functions listen to which event hub: the `eventHubTrigger` bindings of the app, with `%SETTING%` references
 * in `eventHubName` and `consumerGroup` resolved from the app settings (as the Functions host resolves binding
 * expressions), `consumerGroup` defaulting to `$Default`. Like the Event Hubs extension, an `EntityPath` in the
 * connection setting names the event hub and wins over `eventHubName`.
 */
import type { RegisteredFunction } from '../functions-core';
import type { Settings } from '../host-json';
import { triggerBindingOf } from '../invoker';

export interface EventHubListener {
  fn: RegisteredFunction;
  eventHubName: string;
  consumerGroup: string;
  /**
   * `many`: an array of events per invocation; `one`: one event each. @azure/functions documents `cardinality` as
   * "If omitted or set to `one`, a single message is passed" (types/eventHub.d.ts), so a missing value means `one`.
   */
  cardinality: 'many' | 'one';
  /** `binary`: bodies as Buffers; otherwise strings (which the worker parses when they hold JSON). */
  dataType: 'binary' | 'string';
  /** The namespace host of the connection (`partitionContext.fullyQualifiedNamespace`). */
  fullyQualifiedNamespace: string;
}

export interface ListenerIndex {
  listeners: EventHubListener[];
  /** One line per function that cannot listen (an unresolved setting, no event hub name). */
  errors: { functionName: string; message: string }[];
}

const reference = /%([^%]+)%/g;

function resolve(text: string, settings: Settings, functionName: string, property: string): string {
  return text.replace(reference, (_match, name: string) => {
    const value = settings[name];
    if (value === undefined) throw new Error(`Error indexing function '${functionName}': '${property}' refers to the app setting '%${name}%', which is not set.`);
    return value;
  });
}

/** `Endpoint=sb://host/;…;EntityPath=name` → its parts; identity-based `<connection>__fullyQualifiedNamespace` too. */
function connectionParts(connection: string | undefined, settings: Settings): { namespace?: string; entityPath?: string } {
  if (!connection) return {};
  const text = settings[connection];
  if (text === undefined) return { namespace: settings[`${connection}__fullyQualifiedNamespace`] };
  const parts = new Map(
    text.split(';').filter(Boolean).map((pair) => {
      const eq = pair.indexOf('=');
      return [pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim()] as const;
    }),
  );
  const endpoint = parts.get('endpoint');
  let namespace: string | undefined;
  try {
    namespace = endpoint ? new URL(endpoint).hostname : undefined;
  } catch {
    namespace = undefined;
  }
  return { namespace, entityPath: parts.get('entitypath') || undefined };
}

export function indexEventHubListeners(functions: Iterable<RegisteredFunction>, settings: Settings): ListenerIndex {
  const index: ListenerIndex = { listeners: [], errors: [] };
  for (const fn of functions) {
    const [, binding] = triggerBindingOf(fn);
    if (binding.type !== 'eventHubTrigger') continue;
    const name = fn.metadata.name;
    try {
      const connection = typeof binding.connection === 'string' ? binding.connection : undefined;
      const { namespace, entityPath } = connectionParts(connection, settings);
      const eventHubName = entityPath ?? resolve(String(binding.eventHubName ?? ''), settings, name, 'eventHubName');
      if (!eventHubName) throw new Error(`Error indexing function '${name}': 'eventHubName' is empty and the connection names no EntityPath.`);
      index.listeners.push({
        fn,
        eventHubName,
        consumerGroup: resolve(typeof binding.consumerGroup === 'string' && binding.consumerGroup ? binding.consumerGroup : '$Default', settings, name, 'consumerGroup'),
        cardinality: String(binding.cardinality ?? 'one').toLowerCase() === 'many' ? 'many' : 'one',
        dataType: String(binding.dataType ?? '').toLowerCase() === 'binary' ? 'binary' : 'string',
        fullyQualifiedNamespace: namespace ?? 'localhost',
      });
    } catch (err) {
      index.errors.push({ functionName: name, message: (err as Error).message });
    }
  }
  return index;
}
