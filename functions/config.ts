/**
 * App settings, read once at startup. The names are the same locally (local.settings.json, `npm start`) and in
 * Azure (infra/main.bicep). A missing secret is not an error: it means "use the managed identity".
 */
import type { PublicJwk } from '../domain/packages/signing';

export interface AppConfig {
  blob: { connectionString: string } | { serviceUrl: string };
  cosmos: { endpoint: string; key?: string; database: string };
  /** Where devices are: a simulated fleet from a profile (local runs, tests) or an IoT Hub. */
  fleet: { simulated: { profilePath: string; stateFile?: string } } | { iotHub: { hostName: string } };
  /** Blob containers: where imported packages are kept, and where CI uploads firmware. */
  packages: { container: string; firmwareUploadContainer: string };
  /** Enterprise events: an Event Grid topic (managed identity), or a local JSON-lines log. */
  events: { topicEndpoint: string } | { logFile?: string };
  /** Teams approvals: link secret (absent = no links/cards), Workflows webhook (absent = local inbox), public URL. */
  approvals: { linkSecret?: string; teamsWorkflowUrl?: string; publicBaseUrl?: string };
  /** Maps Entra group object ids to roles, for principals that carry groups instead of app roles. */
  groupRoles: string | undefined;
  /** Manifest signing: a local key folder, or a Key Vault key with its root-signed certificate. */
  signing:
    | { keyDir: string }
    | { keyVaultKeyUrl?: string; certificate?: string; trustedRoots: PublicJwk[]; retiredCertificates: string[]; revocationList?: string };
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

  const profilePath = optional(env, 'FLEET_PROFILE');
  const stateFile = optional(env, 'FLEET_STATE_FILE');
  const fleet = profilePath
    ? { simulated: { profilePath, ...(stateFile ? { stateFile } : {}) } }
    : { iotHub: { hostName: required('IOTHUB_HOSTNAME') } };

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
  const [linkSecret, teamsWorkflowUrl, baseUrlSetting, hostName] = ['APPROVAL_LINK_SECRET', 'TEAMS_WORKFLOW_URL', 'PUBLIC_BASE_URL', 'WEBSITE_HOSTNAME'].map((n) => optional(env, n));
  // The platform's host name serves HTTPS; only a loopback host (the local host) has none.
  const publicBaseUrl = baseUrlSetting ?? (hostName ? `${/^(127\.|localhost)/.test(hostName) ? 'http' : 'https'}://${hostName}` : undefined);
  const approvals = { ...(linkSecret ? { linkSecret } : {}), ...(teamsWorkflowUrl ? { teamsWorkflowUrl } : {}), ...(publicBaseUrl ? { publicBaseUrl } : {}) };

  if (missing.length > 0) throw new ConfigError(`Missing app settings: ${missing.join(', ')}`);
  return { blob, cosmos, fleet, packages, signing, events, groupRoles, approvals };
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

/** Empty and blank values count as unset: Azure keeps a setting's name with an empty value for "not used here". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
