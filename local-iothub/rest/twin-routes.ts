/**
 * Twins and direct methods: `GET/PATCH/PUT /twins/{id}` (If-Match guards tags and desired properties: a stale etag
 * is 412 PreconditionFailed) and `POST /twins/{id}/methods`. Replies are the whole twin as IoT Hub shapes it.
 */
import type { HubState, TwinState } from '../hub-state';
import { twinJson } from '../twin-json';
import { invokeDirectMethod, methodParamsOf } from './direct-method';
import { applyServicePatch, applyServiceReplace, servicePatchOf } from './twin-limits';
import { unquoteEtag, type RestReply, type Route } from './types';

export function twinRoutes(state: HubState): Route[] {
  const service = ['ServiceConnect'] as const;
  const reply = (twin: TwinState): RestReply => ({
    status: 200,
    body: twinJson(twin, state.identities.get(twin.deviceId), state),
    headers: { ETag: `"${twin.etag}"` },
  });
  return [
    {
      method: 'GET', path: '/twins/{id}', permissions: [...service, 'RegistryRead'], quota: 'twinReads',
      handle: (_, { id }) => {
        state.settle(); // virtual devices report what is due by now
        return reply(state.requireTwin(id!));
      },
    },
    {
      method: 'PATCH', path: '/twins/{id}', permissions: service, quota: 'twinUpdates',
      handle: ({ body, headers }, { id }) => reply(applyServicePatch(state, id!, servicePatchOf(body), unquoteEtag(headers['if-match']))),
    },
    {
      method: 'PUT', path: '/twins/{id}', permissions: service, quota: 'twinUpdates',
      handle: ({ body, headers }, { id }) => reply(applyServiceReplace(state, id!, servicePatchOf(body), unquoteEtag(headers['if-match']))),
    },
    {
      method: 'POST', path: '/twins/{id}/methods', permissions: service, quota: 'directMethods',
      handle: async ({ body }, { id }) => ({ status: 200, body: await invokeDirectMethod(state, id!, methodParamsOf(body)) }),
    },
  ];
}
