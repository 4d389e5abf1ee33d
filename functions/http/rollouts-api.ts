/** The rollout API: create, read, list, approve, and control (pause / resume / cancel / rollback). Thin: the use cases decide. */
import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import type { ApprovalUseCases } from '../../application/approvals/decide-approval';
import type { Outcome } from '../../application/outcome';
import { approvalRequestSchema } from '../../application/requests/request-schemas';
import type { ControlRollout } from '../../application/rollouts/control-rollout';
import type { CreateRollout } from '../../application/rollouts/create-rollout';
import { allRolloutStatuses, isRolloutStatus, type ControlAction } from '../../domain/rollouts/rollout-control';
import type { RolloutRecord } from '../../domain/rollouts/rollout-record';
import { InvalidContinuationTokenError, type RolloutStore } from '../../domain/rollouts/rollout-store-port';
import { toRolloutView } from '../../domain/rollouts/rollout-view';
import { callerName } from './caller';
import { pagedResponse, pageQuery } from './paging';
import { principalFromHeaders } from './principal';
import { problem, readJson, validationProblem } from './problem';
import { refusalResponse } from './refusal-response';

export interface RolloutsApiDeps {
  rollouts: RolloutStore;
  createRollout: CreateRollout;
  approvals: ApprovalUseCases;
  controlRollout: ControlRollout;
}

const unauthenticated = () => problem(401, 'Unauthenticated', 'Sign in: the x-ms-client-principal-name header (App Service authentication) is missing.');

/** 202 with the rollout as it was when the request was accepted; the orchestration acts on it next. */
const accepted = (outcome: Outcome<RolloutRecord>): HttpResponseInit =>
  outcome.ok ? { status: 202, jsonBody: toRolloutView(outcome.value) } : refusalResponse(outcome.refusal);

export function createRolloutsApi(deps: RolloutsApiDeps) {
  return {
    async create(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const created = await deps.createRollout(json.body, caller);
      if (!created.ok) return refusalResponse(created.refusal);
      return { status: 201, headers: { Location: `/api/rollouts/${created.value.id}` }, jsonBody: toRolloutView(created.value) };
    },

    async get(request: HttpRequest): Promise<HttpResponseInit> {
      const rollout = await deps.rollouts.get(request.params.id ?? '');
      if (!rollout) return problem(404, 'Not found', `No rollout '${request.params.id}'.`);
      return { status: 200, jsonBody: { ...toRolloutView(rollout), spec: rollout.spec } };
    },

    /** One page, oldest first (see paging.ts). */
    async list(request: HttpRequest): Promise<HttpResponseInit> {
      const status = request.query.get('status') ?? undefined;
      if (status !== undefined && !isRolloutStatus(status)) {
        return problem(400, 'Invalid request', `status must be one of ${allRolloutStatuses.join(', ')}.`, [{ field: 'status', message: 'unknown status' }]);
      }
      const paging = pageQuery.safeParse({ limit: request.query.get('limit') ?? undefined, continuationToken: request.query.get('continuationToken') ?? undefined });
      if (!paging.success) return validationProblem(paging.error);
      try {
        const page = await deps.rollouts.listPage(status ? { status } : {}, paging.data);
        return pagedResponse(request, { ...page, items: page.items.map(toRolloutView) });
      } catch (err) {
        if (err instanceof InvalidContinuationTokenError) return problem(400, 'Invalid request', err.message, [{ field: 'continuationToken', message: 'not issued by this list' }]);
        throw err;
      }
    },

    async approve(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      const json = await readJson(request);
      if (!json.ok) return json.response;
      const parsed = approvalRequestSchema.safeParse(json.body);
      if (!parsed.success) return validationProblem(parsed.error);
      const groups = principalFromHeaders(request.headers)?.groups ?? [];
      return accepted(await deps.approvals.decide({ rolloutId: request.params.id ?? '', approver: caller, groups, ...parsed.data }));
    },

    async control(request: HttpRequest): Promise<HttpResponseInit> {
      const caller = callerName(request);
      if (!caller) return unauthenticated();
      return accepted(await deps.controlRollout(request.params.id ?? '', request.params.action as ControlAction, caller));
    },
  };
}
