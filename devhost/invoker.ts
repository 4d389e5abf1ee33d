/**
 * Invokes a registered function the way the Node worker does: through the app's programming model
 * (getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse).
 */
import { randomUUID } from 'node:crypto';
import { registry, type RegisteredFunction, type RpcBindingInfo } from './functions-core';

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  http?: Record<string, unknown> | null;
  int?: number | null;
  double?: number | null;
  [key: string]: unknown;
}

export interface InvocationInput {
  /** Trigger value, already as typed data. */
  trigger: RpcTypedData;
  /** Values of extra input bindings by binding type (e.g. the durableClient binding). */
  extraInputsByType?: Record<string, RpcTypedData>;
  triggerMetadata?: Record<string, RpcTypedData>;
}

export interface InvocationOutcome {
  /** The function's own return value, before conversion (the host reads live orchestrator state from it). */
  rawResult?: unknown;
  returnValue?: RpcTypedData | null;
  outputData: { name?: string | null; data?: RpcTypedData | null }[];
}

export type LogSink = (level: string, message: string) => void;

export function triggerBindingOf(fn: RegisteredFunction): [string, RpcBindingInfo] {
  const entry = Object.entries(fn.metadata.bindings).find(
    ([, b]) => b.direction === 'in' && typeof b.type === 'string' && b.type.toLowerCase().endsWith('trigger'),
  );
  if (!entry) throw new Error(`Function ${fn.metadata.name} has no trigger binding.`);
  return entry;
}

const appHookData: Record<string, unknown> = {};

async function runHooks(name: string, context: Record<string, unknown>): Promise<void> {
  for (const hook of registry.hooks.get(name) ?? []) await hook(context);
}

export async function runAppHook(name: 'appStart' | 'appTerminate', extra: Record<string, unknown> = {}): Promise<void> {
  await runHooks(name, { hookData: {}, appHookData, ...extra });
}

export async function invokeFunction(fn: RegisteredFunction, input: InvocationInput, log: LogSink): Promise<InvocationOutcome> {
  const model = registry.programmingModel;
  if (!model) throw new Error('The app did not set a programming model (is @azure/functions v4 loaded?).');
  const [triggerName] = triggerBindingOf(fn);
  const inputData = [{ name: triggerName, data: input.trigger }];
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    const value = binding.direction === 'in' && binding.type ? input.extraInputsByType?.[binding.type] : undefined;
    if (value) inputData.push({ name, data: value });
  }
  const invocationId = randomUUID();
  const coreContext = {
    invocationId,
    request: { invocationId, functionId: fn.metadata.functionId ?? fn.metadata.name, inputData, triggerMetadata: input.triggerMetadata ?? {} },
    metadata: { name: fn.metadata.name, bindings: fn.metadata.bindings },
    state: undefined as string | undefined,
    log: (level: string, _category: string, message: string) => log(level, message),
  };
  const invocation = model.getInvocationModel(coreContext);
  const { context, inputs } = await invocation.getArguments();

  const hookData: Record<string, unknown> = {};
  const pre = { hookData, appHookData, invocationContext: context, inputs, functionCallback: fn.callback };
  coreContext.state = 'preInvocationHooks';
  await runHooks('preInvocation', pre);
  coreContext.state = 'invocation';
  let result: unknown;
  let error: unknown;
  try {
    result = await invocation.invokeFunction(context, pre.inputs, pre.functionCallback);
  } catch (err) {
    error = err;
  }
  const post = { hookData, appHookData, invocationContext: context, inputs: pre.inputs, result, error };
  coreContext.state = 'postInvocationHooks';
  await runHooks('postInvocation', post);
  coreContext.state = undefined;
  if (post.error) throw post.error;
  const response = await invocation.getResponse(context, post.result);
  return {
    rawResult: post.result,
    returnValue: response.returnValue as RpcTypedData | null | undefined,
    outputData: (response.outputData ?? []) as InvocationOutcome['outputData'],
  };
}

/** Typed data back to a value, as the host reads function results. */
export function fromTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === 'string') return JSON.parse(data.json);
  if (typeof data.string === 'string') {
    try {
      return JSON.parse(data.string);
    } catch {
      return data.string;
    }
  }
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.int === 'number') return data.int;
  if (typeof data.double === 'number') return data.double;
  return undefined;
}

export function jsonTypedData(value: unknown): RpcTypedData {
  return { json: value === undefined ? 'null' : JSON.stringify(value) };
}
