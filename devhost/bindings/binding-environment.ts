/** What bindings need from the host: the app settings, the host clock, and where Azurite's blob service listens. */
export interface BindingEnvironment {
  settings: Record<string, string | undefined>;
  now(): Date;
  /** Blob endpoint that `UseDevelopmentStorage=true` means (the account path included). */
  azuriteBlobEndpoint: string;
}

/** Azurite's default blob endpoint, as `UseDevelopmentStorage=true` means in Azure's SDKs. */
export const defaultAzuriteBlobEndpoint = 'http://127.0.0.1:10000/devstoreaccount1';

let current: BindingEnvironment = { settings: process.env, now: () => new Date(), azuriteBlobEndpoint: defaultAzuriteBlobEndpoint };

export function configureBindings(environment: BindingEnvironment): void {
  current = environment;
}

export function bindingEnvironment(): BindingEnvironment {
  return current;
}

/** A binding property's value as a string, or undefined when it is absent or empty. */
export function stringProperty(binding: Record<string, unknown>, name: string): string | undefined {
  const value = binding[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
