/** A use case's refusal as an HTTP answer: one table from refusal code to status and title. */
import type { HttpResponseInit } from '@azure/functions';
import type { Refusal, RefusalCode } from '../../application/outcome';
import { problem } from './problem';

export const refusalHttp: Readonly<Record<RefusalCode, { status: number; title: string }>> = {
  'invalid-request': { status: 400, title: 'Invalid request' },
  'invalid-waves': { status: 400, title: 'Invalid request' },
  'invalid-maintenance-window': { status: 400, title: 'Invalid request' },
  'invalid-target-query': { status: 400, title: 'Invalid request' },
  'unknown-update': { status: 422, title: 'Unknown update' },
  'unknown-devices': { status: 422, title: 'Unknown devices' },
  'no-devices': { status: 422, title: 'No devices' },
  'incompatible-devices': { status: 422, title: 'Incompatible devices' },
  'missing-prerequisites': { status: 422, title: 'Missing prerequisites' },
  'prerequisite-unavailable': { status: 422, title: 'Prerequisite not available' },
  'not-found': { status: 404, title: 'Not found' },
  'no-approval-policy': { status: 409, title: 'No approval needed' },
  'not-awaiting-approval': { status: 409, title: 'Not awaiting approval' },
  'sign-in-required': { status: 401, title: 'Sign-in required' },
  'not-an-approver': { status: 403, title: 'Not allowed to approve' },
  'creator-cannot-approve': { status: 403, title: 'Not allowed to approve' },
  'already-decided': { status: 409, title: 'Already decided' },
  'not-allowed-now': { status: 409, title: 'Not allowed now' },
};

/** problem+json with the refusal's stable `code` beside the usual fields. */
export function refusalResponse(refusal: Refusal): HttpResponseInit {
  const { status, title } = refusalHttp[refusal.code];
  const response = problem(status, title, refusal.message, refusal.errors);
  return { ...response, jsonBody: { ...(response.jsonBody as object), code: refusal.code } };
}
