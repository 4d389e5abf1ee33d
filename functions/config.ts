/**
 * App settings, read once at startup. The names are the same locally (local.settings.json, `npm start`) and in
 * Azure (infra/main.bicep). A missing secret is not an error: it means "use the managed identity".
 */
export interface AppConfig {
  blob: { connectionString: string } | { serviceUrl: string };
  cosmos: { endpoint: string; key?: string; database: string };
  /** Where devices are: a simulated fleet from a profile (local runs, tests) or an IoT Hub. */
  fleet: { simulated: { profilePath: string; stateFile?: string } } | { iotHub: { hostName: string } };
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

  if (missing.length > 0) throw new ConfigError(`Missing app settings: ${missing.join(', ')}`);
  return { blob, cosmos, fleet };
}

/** Empty and blank values count as unset: Azure keeps a setting's name with an empty value for "not used here". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
