/** Registers the report endpoints (inventory, per-rollout, compliance) with the Functions runtime. */
import { app } from '@azure/functions';
import type { Permission } from '../domain/access/roles';
import type { FleetPort } from '../domain/fleet/fleet-port';
import type { RolloutStore, UpdateStore } from '../domain/rollouts/rollout-store-port';
import type { PrincipalOptions } from './http/principal';
import { createReportsApi } from './http/reports-api';
import { secured, type SecuredHandler } from './http/secured';

export interface ReportPorts {
  fleet: FleetPort;
  rollouts: RolloutStore;
  updates: UpdateStore;
}

export function registerReports(ports: ReportPorts, access: PrincipalOptions = {}, now: () => Date = () => new Date()): void {
  const reports = createReportsApi({ ...ports, now });
  const route = (name: string, path: string, permission: Permission, handler: SecuredHandler) =>
    app.http(name, { methods: ['GET'], route: path, authLevel: 'anonymous', handler: secured(permission, handler, access) });

  // The role matrix (domain/access/roles.ts) files the inventory under devices.read, the rest under reports.read.
  route('inventoryReport', 'inventory', 'devices.read', (request) => reports.inventory(request));
  route('rolloutReport', 'reports/rollouts/{id}', 'reports.read', (request) => reports.rollout(request));
  route('complianceReport', 'reports/compliance', 'reports.read', (request) => reports.compliance(request));
}
