/**
 * The binding types the devhost implements. Like the Functions host, which fails to index a function whose binding
 * type no installed extension provides, the devhost refuses such a function when the app registers it, instead of
 * letting it fail (or silently drop an output) at run time.
 */
import type { FunctionMetadata } from './functions-core';

const supported: Record<'in' | 'out', ReadonlySet<string>> = {
  in: new Set(['httpTrigger', 'eventGridTrigger', 'timerTrigger', 'eventHubTrigger', 'orchestrationTrigger', 'activityTrigger', 'entityTrigger', 'durableClient']),
  // The HTTP response, as `$return` or a named output. Durable and other triggers' return values need no binding.
  out: new Set(['http']),
};

/** Why the host cannot index this function (one line per unsupported binding); empty when it can. */
export function indexingErrors(metadata: FunctionMetadata): string[] {
  const errors: string[] = [];
  for (const binding of Object.values(metadata.bindings)) {
    const type = typeof binding.type === 'string' ? binding.type : '(none)';
    const direction = binding.direction === 'in' || binding.direction === 'out' ? binding.direction : undefined;
    if (direction && supported[direction].has(type)) continue;
    errors.push(
      `Error indexing function '${metadata.name}': the binding type '${type}' (direction '${binding.direction ?? 'none'}') ` +
        `is not supported by the devhost (supported: in ${[...supported.in].join(', ')}; out ${[...supported.out].join(', ')}).`,
    );
  }
  return errors;
}
