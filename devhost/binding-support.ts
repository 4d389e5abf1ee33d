/**
 * The binding types the devhost implements. Like the Functions host, which fails to index a function whose binding
 * type no installed extension provides (or whose binding is misconfigured, e.g. a connection setting is missing),
 * the devhost refuses such a function when the app registers it, instead of letting it fail (or silently drop an
 * output) at run time.
 */
import type { FunctionMetadata } from './functions-core';
import { extensionBindings } from './bindings/extension-bindings';

const supported: Record<'in' | 'out', ReadonlySet<string>> = {
  in: new Set(['httpTrigger', 'eventGridTrigger', 'timerTrigger', 'eventHubTrigger', 'orchestrationTrigger', 'activityTrigger', 'entityTrigger', 'durableClient', ...Object.keys(extensionBindings.in)]),
  // The HTTP response, as `$return` or a named output. Durable and other triggers' return values need no binding.
  out: new Set(['http', ...Object.keys(extensionBindings.out)]),
};

/** Why the host cannot index this function (one line per unsupported binding); empty when it can. */
export function indexingErrors(metadata: FunctionMetadata): string[] {
  const errors: string[] = [];
  for (const [name, binding] of Object.entries(metadata.bindings)) {
    const type = typeof binding.type === 'string' ? binding.type : '(none)';
    const direction = binding.direction === 'in' || binding.direction === 'out' ? binding.direction : undefined;
    if (!direction || !supported[direction].has(type)) {
      errors.push(
        `Error indexing function '${metadata.name}': the binding type '${type}' (direction '${binding.direction ?? 'none'}') ` +
          `is not supported by the devhost (supported: in ${[...supported.in].join(', ')}; out ${[...supported.out].join(', ')}).`,
      );
      continue;
    }
    for (const problem of extensionBindings[direction][type]?.check(binding) ?? []) {
      errors.push(`Error indexing function '${metadata.name}': the ${type} binding '${name}' (direction '${direction}'): ${problem}.`);
    }
  }
  return errors;
}
