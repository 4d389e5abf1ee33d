/**
 * IoT Hub's twin limits, checked before a service patch changes anything: desired properties 32 KB, tags 8 KB,
 * string values 4 KB, keys 1 KB without `.`, `$`, spaces or control characters, objects nested at most 10 deep.
 * Sizes are of the compact JSON (IoT Hub counts characters outside strings without whitespace, which is that).
 */
import { HubError, isObject, mergePatch, type HubState, type Json, type JsonObject, type TwinState } from '../hub-state';

export const twinLimits = { desiredBytes: 32 * 1024, tagsBytes: 8 * 1024, valueBytes: 4 * 1024, keyBytes: 1024, depth: 10 } as const;

export interface ServicePatch {
  tags?: JsonObject;
  desired?: JsonObject;
}

const invalid = (message: string) => new HubError(400, 'ArgumentInvalid', message);

export const jsonBytes = (value: Json): number => Buffer.byteLength(JSON.stringify(value));

/** Checks keys, values and nesting of a patch (or a replacement) of `section`. */
export function checkPatch(section: string, patch: JsonObject): void {
  const visit = (value: Json, where: string, depth: number): void => {
    if (typeof value === 'string' && Buffer.byteLength(value) > twinLimits.valueBytes) throw invalid(`${where} is longer than ${twinLimits.valueBytes} bytes`);
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${where}[${i}]`, depth + 1));
      return;
    }
    if (!isObject(value)) return;
    if (depth > twinLimits.depth) throw invalid(`${where} nests deeper than ${twinLimits.depth} levels`);
    for (const [key, child] of Object.entries(value)) {
      // `$version` and `$metadata` sent back from a GET are IoT Hub's own: the merge ignores `$` keys at the top.
      if (depth === 1 && key.startsWith('$')) continue;
      if (!key || /[.$ \u0000-\u001f\u007f-\u009f]/.test(key) || Buffer.byteLength(key) > twinLimits.keyBytes) {
        throw invalid(`${where}: property name '${key.slice(0, 64)}' is empty, too long or has '.', '$', a space or a control character`);
      }
      visit(child, `${where}.${key}`, depth + 1);
    }
  };
  visit(patch, section, 1);
}

function withinSize(section: string, current: JsonObject, patch: JsonObject, limit: number): void {
  const merged = mergePatch(structuredClone(current), patch);
  const bytes = jsonBytes(merged);
  if (bytes > limit) throw invalid(`${section} would be ${bytes} bytes, over IoT Hub's ${limit} bytes`);
}

/** Validates, checks the etag and the resulting sizes, then applies the patch (state emits the change). */
export function applyServicePatch(state: HubState, deviceId: string, patch: ServicePatch, ifMatch?: string): TwinState {
  if (patch.tags) checkPatch('tags', patch.tags);
  if (patch.desired) checkPatch('properties.desired', patch.desired);
  const twin = state.requireTwin(deviceId);
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== twin.etag) throw new HubError(412, 'PreconditionFailed', `Precondition failed: the twin of ${deviceId} has etag ${twin.etag}`);
  if (patch.tags) withinSize('tags', twin.tags, patch.tags, twinLimits.tagsBytes);
  if (patch.desired) withinSize('properties.desired', twin.desired, patch.desired, twinLimits.desiredBytes);
  return state.patchTwin(deviceId, patch, ifMatch);
}

/** PUT /twins/{id}: tags and desired properties replaced (those given). */
export function applyServiceReplace(state: HubState, deviceId: string, replacement: ServicePatch, ifMatch?: string): TwinState {
  for (const [section, value, limit] of [['tags', replacement.tags, twinLimits.tagsBytes], ['properties.desired', replacement.desired, twinLimits.desiredBytes]] as const) {
    if (!value) continue;
    checkPatch(section, value);
    const bytes = jsonBytes(value);
    if (bytes > limit) throw invalid(`${section} would be ${bytes} bytes, over IoT Hub's ${limit} bytes`);
  }
  const twin = state.requireTwin(deviceId);
  if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== twin.etag) throw new HubError(412, 'PreconditionFailed', `Precondition failed: the twin of ${deviceId} has etag ${twin.etag}`);
  return state.replaceTwin(deviceId, replacement, ifMatch);
}

/** `{tags?, properties?: {desired?}}` as sent to PATCH/PUT /twins or in a job's updateTwin; reported is refused. */
export function servicePatchOf(body: unknown): ServicePatch {
  if (!isObject(body as Json)) throw invalid('the twin patch must be a JSON object');
  const { tags, properties } = body as JsonObject;
  const result: ServicePatch = {};
  if (tags !== undefined && tags !== null) {
    if (!isObject(tags)) throw invalid('tags must be a JSON object');
    result.tags = tags;
  }
  if (properties !== undefined && properties !== null) {
    if (!isObject(properties)) throw invalid('properties must be a JSON object');
    if (properties.reported !== undefined) throw invalid('reported properties are written by the device, not the service');
    if (properties.desired !== undefined && properties.desired !== null) {
      if (!isObject(properties.desired)) throw invalid('properties.desired must be a JSON object');
      result.desired = properties.desired;
    }
  }
  return result;
}
