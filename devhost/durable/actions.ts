/** Actions an orchestrator episode returns (OrchestratorState.actions), and how they map to sequence numbers. */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
}

export interface Action {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  instanceId?: string;
  retryOptions?: RetryOptionsWire;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  reason?: string;
  compoundActions?: Action[];
  operation?: string;
}

/**
 * Leaf actions in yield order, the order in which the SDK hands out sequence numbers. A leaf object met again
 * (a task re-yielded inside a later Task.any/Task.all) is the same task: it is listed once.
 */
export function flattenActions(actions: readonly Action[]): Action[] {
  const leaves: Action[] = [];
  const seen = new Set<Action>();
  const walk = (action: Action) => {
    if (action.compoundActions) action.compoundActions.forEach(walk);
    else if (!seen.has(action)) {
      seen.add(action);
      leaves.push(action);
    }
  };
  actions.forEach(walk);
  return leaves;
}

/** Does this leaf take a sequence number (durable-host-protocol.md §3 rule 1)? */
export function consumesSequenceNumber(action: Action): boolean {
  return action.actionType !== ActionType.WaitForExternalEvent && action.actionType !== ActionType.ContinueAsNew;
}

export function describeAction(action: Action): string {
  const kind = ActionType[action.actionType] ?? `action type ${action.actionType}`;
  return action.functionName ? `${kind} '${action.functionName}'` : kind;
}

/** Input as the called function receives it: the SDK JSON-encodes string inputs of activities and continueAsNew. */
export function decodeActionInput(action: Action): unknown {
  const stringEncoded =
    action.actionType === ActionType.CallActivity ||
    action.actionType === ActionType.CallActivityWithRetry ||
    action.actionType === ActionType.ContinueAsNew;
  if (stringEncoded && typeof action.input === 'string') return JSON.parse(action.input);
  return action.input;
}

/** Delay before retry attempt `attempt + 1`, after `attempt` failures (1-based). */
export function retryDelayMs(options: RetryOptionsWire, attempt: number): number {
  const coefficient = options.backoffCoefficient ?? 1;
  const delay = options.firstRetryIntervalInMilliseconds * Math.pow(coefficient, attempt - 1);
  const max = options.maxRetryIntervalInMilliseconds;
  return max && max > 0 ? Math.min(delay, max) : delay;
}
