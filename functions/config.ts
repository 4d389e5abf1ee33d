/**
 * App settings, read once at startup. The names are the same locally (local.settings.json, `npm start`) and in
 * Azure (infra/main.bicep). A missing secret is not an error: it means "use the managed identity".
 */
export interface AppConfig {
  blob: { connectionString: string } | { serviceUrl: string };
  cosmos: { endpoint: string; key?: string; database: string };
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

  if (missing.length > 0) throw new ConfigError(`Missing app settings: ${missing.join(', ')}`);
  return { blob, cosmos };
}

/** Empty and blank values count as unset: Azure keeps a setting's name with an empty value for "not used here". */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
