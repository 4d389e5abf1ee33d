/**
 * The `@azure/functions-core` module that the real Functions worker provides to apps.
 * `@azure/functions` requires it lazily on the first `app.*` call; devhost/app-loader.ts makes the
 * name resolve to this file before the app is loaded, so registrations and hooks land in `registry`.
 */
export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  dataType?: string | null;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: Record<string, unknown>) => void | Promise<void>;

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<Record<string, unknown>>;
  };
}

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

export class Disposable {
  static from(...items: { dispose: () => unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  #callOnDispose?: () => unknown;
  constructor(callOnDispose: () => unknown) {
    this.#callOnDispose = callOnDispose;
  }
  dispose(): unknown {
    const call = this.#callOnDispose;
    this.#callOnDispose = undefined;
    return call?.();
  }
}

/** What the app registered; read by the host. */
export const registry = {
  functions: new Map<string, RegisteredFunction>(),
  hooks: new Map<string, HookCallback[]>(),
  programmingModel: undefined as ProgrammingModel | undefined,
  /** Set by the host: where `log` calls go. */
  logSink: (level: string, category: string, message: string): void => {
    console.log(`[${level}] ${category}: ${message}`);
  },
};

export const version = '3.10.1';
export const hostVersion = '4.1037.0';

export function setProgrammingModel(model: ProgrammingModel): void {
  registry.programmingModel = model;
}

export function getProgrammingModel(): ProgrammingModel | undefined {
  return registry.programmingModel;
}

export function registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
  const key = metadata.name.toLowerCase();
  if (registry.functions.has(key)) {
    throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
  }
  registry.functions.set(key, { metadata, callback });
  return new Disposable(() => registry.functions.delete(key));
}

export function registerHook(hookName: string, callback: HookCallback): Disposable {
  const list = registry.hooks.get(hookName) ?? [];
  list.push(callback);
  registry.hooks.set(hookName, list);
  return new Disposable(() => {
    const index = list.indexOf(callback);
    if (index >= 0) list.splice(index, 1);
  });
}

export function log(level: string, category: string, message: string): void {
  registry.logSink(level, category, message);
}
