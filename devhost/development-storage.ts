/** Whether an app's settings point at the local storage emulator (`UseDevelopmentStorage=true`), so `--azurite` starts it. */
export function isDevelopmentStorage(value: string | undefined): boolean {
  return value !== undefined && /^\s*UseDevelopmentStorage\s*=\s*true\s*(;.*)?$/i.test(value);
}

/** The names of the settings that use the emulator, e.g. ['AzureWebJobsStorage']. */
export function developmentStorageSettings(settings: Record<string, string | undefined>): string[] {
  return Object.entries(settings).filter(([, value]) => isDevelopmentStorage(value)).map(([name]) => name).sort();
}
