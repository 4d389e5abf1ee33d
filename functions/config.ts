/**
 * App settings, read once at startup. The names are the same locally (local.settings.json, `npm start`) and in
 * Azure (infra/main.bicep). A missing secret is not an error: it means "use the managed identity".
 */
import type { PublicJwk } from '../domain/packages/signing';

export interface AppConfig {
  blob: { connectionString: string } | { serviceUrl: string };
  cosmos: { endpoint: string; key?: string; database: string };
  /** The IoT Hub devices are reached through, and how hard the app may drive it. */
  iotHub: IotHubConfig;
  /** Blob containers: where imported packages are kept, and where CI uploads firmware. */
  packages: { container: string; firmwareUploadContainer: string };
  /** Enterprise events: an Event Grid topic (managed identity), or a local JSON-lines log. */
  events: { topicEndpoint: string } | { logFile?: string };
  /** Teams approvals: link secret (absent = no links/cards), Workflows webhook (absent = local inbox), public URL. */
  approvals: { linkSecret?: string; teamsWorkflowUrl?: string; publicBaseUrl?: string };
  /** Maps Entra group object ids to roles, for principals that carry groups instead of app roles. */
  groupRoles: string | undefined;
  /** Where a browser signs in (App Service's `/.auth/login/aad` in Azure); absent where nothing signs people in. */
  dashboardSignInUrl: string | undefined;
  /** Application Insights: telemetry is sent when a connection string is set, and nothing at all when it is empty. */
  appInsights: { connectionString?: string };
  /** Manifest signing: a local key folder, or a Key Vault key with its root-signed certificate. */
  signing:
    | { keyDir: string }
    | { keyVaultKeyUrl?: string; certificate?: string; trustedRoots: PublicJwk[]; retiredCertificates: string[]; revocationList?: string };
}

export type IotHubSku = 'S1' | 'S2' | 'S3';

export interface IotHubConfig {
  /** Azure: the hub's host name and the managed identity; locally: a connection string (and the hub's CA). */
  connection: { hostName: string } | { connectionString: string; caFile?: string };
  /** The hub's tier and units: the app paces its calls to that tier's documented quotas. */
  sku: IotHubSku;
  units: number;
  /** Share of each quota the app may use (the rest is left to devices and other callers). */
  quotaShare: number;
  /** Hub seconds per real second: 1 for a real hub; the local hub counts quotas on the (scaled) host clock. */
  clockScale: number;
  /** How a batch's command reaches its devices: paced per-device twin patches, or one twin-update job per chunk. */
  dispatch: 'patches' | 'job';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env): AppConfig {
  const missing: string[] = [];
  const required = (name: string): string => {
    const value = optional(env, name);
    if (value === undefined) missing.push(name);
    return value ?? '';
  };

  const blobConnectionString = optional(env, 'BLOB_CONNECTION_STRING');
  const blob = blobConnectionString
    ? { connectionString: blobConnectionString }
    : { serviceUrl: required('BLOB_SERVICE_URL') };
  const cosmosKey = optional(env, 'COSMOS_KEY');
  const cosmos = {
    endpoint: required('COSMOS_ENDPOINT'),
    ...(cosmosKey ? { key: cosmosKey } : {}),
    database: required('COSMOS_DATABASE'),
  };

  const iotHubConnectionString = optional(env, 'IOTHUB_CONNECTION_STRING');
  const iotHubCaFile = optional(env, 'IOTHUB_CA_FILE');
  const iotHub: IotHubConfig = {
    connection: iotHubConnectionString
      ? { connectionString: iotHubConnectionString, ...(iotHubCaFile ? { caFile: iotHubCaFile } : {}) }
      : { hostName: required('IOTHUB_HOSTNAME') },
    sku: oneOf(env, 'IOTHUB_SKU', ['S1', 'S2', 'S3'] as const, 'S1'),
    units: numberSetting(env, 'IOTHUB_UNITS', 1, (n) => Number.isInteger(n) && n >= 1 && n <= 200),
    quotaShare: numberSetting(env, 'IOTHUB_QUOTA_SHARE', 0.9, (n) => n > 0 && n <= 1),
    clockScale: numberSetting(env, 'IOTHUB_CLOCK_SCALE', 1, (n) => n > 0),
    dispatch: oneOf(env, 'IOTHUB_DISPATCH_MODE', ['patches', 'job'] as const, 'patches'),
  };

  const packages = {
    container: optional(env, 'UPDATES_CONTAINER') ?? 'updates',
    firmwareUploadContainer: optional(env, 'FIRMWARE_UPLOAD_CONTAINER') ?? 'firmware-uploads',
  };
  const keyDir = optional(env, 'SIGNING_KEY_DIR');
  // Not required at start-up: until the Key Vault key is certified the app runs, and imports fail saying why.
  const [keyVaultKeyUrl, certificate, revocationList] = ['KEYVAULT_KEY_URL', 'SIGNING_CERTIFICATE', 'SIGNING_REVOCATION_LIST'].map((n) => optional(env, n));
  const signing = keyDir
    ? { keyDir }
    : {
        ...(keyVaultKeyUrl ? { keyVaultKeyUrl } : {}),
        ...(certificate ? { certificate } : {}),
        trustedRoots: jsonList<PublicJwk>(env, 'SIGNING_TRUSTED_ROOTS'),
        retiredCertificates: jsonList<string>(env, 'SIGNING_RETIRED_CERTIFICATES'),
        ...(revocationList ? { revocationList } : {}),
      };

  const topicEndpoint = optional(env, 'EVENTGRID_TOPIC_ENDPOINT');
  const eventsLog = optional(env, 'EVENTS_LOG_FILE');
  const events = topicEndpoint ? { topicEndpoint } : eventsLog ? { logFile: eventsLog } : {};
  const groupRoles = optional(env, 'AUTH_GROUP_ROLES');
  const dashboardSignInUrl = optional(env, 'DASHBOARD_SIGN_IN_URL');
  const [linkSecret, teamsWorkflowUrl, baseUrlSetting, hostName] = ['APPROVAL_LINK_SECRET', 'TEAMS_WORKFLOW_URL', 'PUBLIC_BASE_URL', 'WEBSITE_HOSTNAME'].map((n) => optional(env, n));
  // The platform's host name serves HTTPS; only a loopback host (the local host) has none.
  const publicBaseUrl = baseUrlSetting ?? (hostName ? `${/^(127\.|localhost)/.test(hostName) ? 'http' : 'https'}://${hostName}` : undefined);
  const approvals = { ...(linkSecret ? { linkSecret } : {}), ...(teamsWorkflowUrl ? { teamsWorkflowUrl } : {}), ...(publicBaseUrl ? { publicBaseUrl } : {}) };

  const appInsightsConnectionString = optional(env, 'APPLICATIONINSIGHTS_CONNECTION_STRING');
  const appInsights = appInsightsConnectionString ? { connectionString: appInsightsConnectionString } : {};

  if (missing.length > 0) throw new ConfigError(`Missing app settings: ${missing.join(', ')}`);
  return { blob, cosmos, iotHub, packages, signing, events, groupRoles, dashboardSignInUrl, approvals, appInsights };
}

/** A JSON array setting; absent = empty. */
function jsonList<T>(env: Env, name: string): T[] {
  const value = optional(env, name);
  if (value === undefined) return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    if (Array.isArray(parsed)) return parsed as T[];
  } catch {
    // reported below
  }
  throw new ConfigError(`App setting ${name} must be a JSON array.`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`App setting ${name} must be one of ${allowed.join(', ')}, not '${value}'.`);
}

function numberSetting(env: Env, name: string, fallback: number, valid: (n: number) => boolean): number {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (Number.isFinite(n) && valid(n)) return n;
  throw new ConfigError(`App setting ${name} has an invalid value '${value}'.`);
}

/** Empty and blank values count as unset: Azure keeps a setting's name with an empty value for "not used here". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
