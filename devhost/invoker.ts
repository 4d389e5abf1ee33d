/**
 * Invokes a registered function the way the Node worker does: through the app's programming model
 * (getArguments → preInvocation hooks → invokeFunction → postInvocation hooks → getResponse).
 */
import { randomUUID } from 'node:crypto';
import { registry, type RegisteredFunction, type RpcBindingInfo } from './functions-core';
import { extensionBindings } from './bindings/extension-bindings';
import { bindingDataOf } from './bindings/binding-data';
import { bindingEnvironment } from './bindings/binding-environment';
import type { BindingData } from './bindings/binding-expressions';

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
  const inputData: { name: string; data?: RpcTypedData }[] = [{ name: triggerName, data: input.trigger }];
  let bindingData: BindingData | undefined;
  // Built once per invocation, when a binding first needs it: input and output expressions see the same data.
  const dataForBindings = () => (bindingData ??= invocationBindingData(fn, input));
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (binding.direction !== 'in' || !binding.type) continue;
    const reader = extensionBindings.in[binding.type]?.read;
    if (reader) inputData.push({ name, data: await bindingStep(fn, name, binding, () => reader(binding, dataForBindings())) });
    const value = input.extraInputsByType?.[binding.type];
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
  const outcome: InvocationOutcome = {
    rawResult: post.result,
    returnValue: response.returnValue as RpcTypedData | null | undefined,
    outputData: (response.outputData ?? []) as InvocationOutcome['outputData'],
  };
  await writeOutputs(fn, outcome, dataForBindings);
  return outcome;
}

function invocationBindingData(fn: RegisteredFunction, input: InvocationInput): BindingData {
  const metadata = Object.fromEntries(Object.entries(input.triggerMetadata ?? {}).map(([key, value]) => [key, fromTypedData(value)]));
  return bindingDataOf(fn.metadata.name, input.trigger, metadata, bindingEnvironment().now());
}

/** The function's values for its extension output bindings (blob, Cosmos DB, Event Grid), written once it returned. */
async function writeOutputs(fn: RegisteredFunction, outcome: InvocationOutcome, bindingData: () => BindingData): Promise<void> {
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    const writer = binding.direction === 'out' && binding.type ? extensionBindings.out[binding.type]?.write : undefined;
    if (!writer) continue;
    const value = name === '$return' ? outcome.returnValue : outcome.outputData.find((o) => o.name === name)?.data;
    if (value === null || value === undefined) continue;
    await bindingStep(fn, name, binding, () => writer(binding, bindingData(), value));
  }
}

/** Runs a binding's read or write; a failure fails the invocation, naming the function and the binding. */
async function bindingStep<T>(fn: RegisteredFunction, name: string, binding: RpcBindingInfo, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${fn.metadata.name}: the ${binding.type} binding '${name}' (direction '${binding.direction}') failed: ${message}`, { cause: err });
  }
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
