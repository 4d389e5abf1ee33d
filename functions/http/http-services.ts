/** What the route table's handlers are built from: one object, assembled once by the wiring point (functions/index.ts). */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { createApprovalLinksApi } from './approval-links-api';
import type { createDevicesApi } from './devices-api';
import type { createGovernanceApi } from './governance-api';
import type { createImportRulesApi } from './import-rules-api';
import type { createReportsApi } from './reports-api';
import type { createRolloutsApi } from './rollouts-api';
import type { createUpdatesApi } from './updates-api';

export type RouteHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface HttpServices {
  health: RouteHandler;
  openApi: RouteHandler;
  updates: ReturnType<typeof createUpdatesApi>;
  /** Per invocation: its use cases reach the orchestrations through that invocation's durable client. */
  rollouts: (context: InvocationContext) => ReturnType<typeof createRolloutsApi>;
  devices: ReturnType<typeof createDevicesApi>;
  reports: ReturnType<typeof createReportsApi>;
  imports: ReturnType<typeof createImportRulesApi>;
  governance: ReturnType<typeof createGovernanceApi>;
  /** When approval links are configured (APPROVAL_LINK_SECRET and PUBLIC_BASE_URL). */
  approvalLinks?: (context: InvocationContext) => ReturnType<typeof createApprovalLinksApi>;
  /** GET /api/me: the caller, their roles and permissions (me-api.ts). */
  me?: RouteHandler;
  /** The dashboard's static files (dashboard/server). */
  dashboard?: RouteHandler;
  /** Local stand-ins people look at: the enterprise event log and the Teams inbox (absent in Azure). */
  localEvents?: RouteHandler;
  localTeamsInbox?: RouteHandler;
}
