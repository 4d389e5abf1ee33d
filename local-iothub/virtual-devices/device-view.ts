/**
 * What a virtual device knows about itself, read from its own reported properties (the twin is its only memory,
 * which is what lets it survive a restart of the hub), and the `ota` reports it writes, per the device twin
 * contract: always the whole object, `error` and `delivery` sent as null when they no longer apply.
 */
import type { InstalledUpdate } from '../../device-agent/verify-update';
import { isObject, type JsonObject } from '../hub-state';
import { counterOf, type Delivery, type ReleaseCounter } from './agent-state';

export interface DeviceView {
  /** The name of the device's main update (its profile group's `updateName`). */
  mainName: string;
  /** Every update the device runs by name, its main update included (the reported `ota.software`). */
  software: Readonly<Record<string, string>>;
  healthy: boolean;
}

/** Which installed update a command is about. */
export interface Target {
  /** The command's update name (what the signed manifest names; release counters are kept by it). */
  update: string;
  /** The `software` entry it changes: the component of that name, else the main update. */
  softwareKey: string;
  /** The version running now. */
  current: string;
}

export function viewOf(reported: JsonObject, mainName: string): DeviceView {
  const ota = reported.ota;
  const software: Record<string, string> = {};
  if (isObject(ota) && isObject(ota.software)) {
    for (const [name, version] of Object.entries(ota.software)) if (typeof version === 'string') software[name] = version;
  }
  return { mainName, software, healthy: !(isObject(ota) && ota.healthy === false) };
}

/** A command for one of the device's other software (a component such as a bootloader) changes that; any other name the main update. */
export function targetOf(view: DeviceView, updateName: string): Target {
  const update = updateName || view.mainName;
  const softwareKey = update !== view.mainName && Object.hasOwn(view.software, update) ? update : view.mainName;
  return { update, softwareKey, current: view.software[softwareKey] ?? '' };
}

/** The device's installed updates for the verifier: its software with release counters, the target under its update name. */
export function installedFor(view: DeviceView, counters: readonly ReleaseCounter[], target: Target): Record<string, InstalledUpdate> {
  const installed: Record<string, InstalledUpdate> = {};
  for (const [name, version] of Object.entries(view.software)) {
    if (version !== '') installed[name] = { version, releaseCounter: counterOf(counters, name, version) };
  }
  // A device that does not run the update at all has nothing to compare with (no downgrade check).
  if (target.current !== '') installed[target.update] = { version: target.current, releaseCounter: counterOf(counters, target.update, target.current) };
  else delete installed[target.update];
  return installed;
}

export interface OtaReport {
  commandId: string;
  state: 'downloading' | 'installing' | 'succeeded' | 'failed';
  /** The version of the update the command is about, running now. */
  installedVersion: string;
  software: Readonly<Record<string, string>>;
  healthy: boolean;
  error?: { code: string; message: string };
  delivery?: Delivery;
  at: string;
}

/** As a merge patch: the hub copies its objects into the twin, so they may be shared between devices. */
export function otaJson(report: OtaReport): JsonObject {
  return {
    commandId: report.commandId,
    state: report.state,
    installedVersion: report.installedVersion,
    software: report.software as JsonObject,
    healthy: report.healthy,
    error: report.error ?? null,
    delivery: report.delivery ?? null,
    at: report.at,
  };
}
