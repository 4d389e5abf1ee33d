/**
 * Direct methods as a virtual device answers them: `ping` (the service's reachability check) and nothing else.
 * One handler for every virtual device, which the hub falls back to, instead of 100,000 registered closures.
 */
import type { Json, MethodHandler } from '../hub-state';

export const answerVirtualMethod: MethodHandler = async (methodName) => {
  const answer = (status: number, payload: Json) => ({ status, payload });
  return methodName === 'ping' ? answer(200, { ok: true }) : answer(501, { message: `Method ${methodName} is not implemented by this device.` });
};
