/**
 * Azurite on the same port each time it starts on one data folder. Links the app handed out (the package download
 * URLs in commands devices already accepted) then keep working after a crash and a restart, as an Azure storage
 * account's do; on a new port every restart, a device that accepted a command before a `kill -9` failed its download.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startAzurite, type RunningAzurite } from './azurite';

const PORT_FILE = 'blob-port';
/** A killed Azurite's port may take a moment to be free again (its orphan exits within a second). */
const PORT_FREE_WAIT_MS = 3_000;

function keptPort(file: string): number | undefined {
  const port = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}

const inUse = (err: unknown) => err instanceof Error && err.message.includes('EADDRINUSE');

/** Starts Azurite persisting to `location`, on the port it had there before if that is free (else a new one, kept). */
export async function startAzuriteOnKeptPort(location: string, warn: (message: string) => void = console.warn): Promise<RunningAzurite> {
  const file = path.join(location, PORT_FILE);
  const port = keptPort(file);
  if (port !== undefined) {
    const deadline = Date.now() + PORT_FREE_WAIT_MS;
    for (;;) {
      try {
        return await startAzurite({ location, blobPort: port });
      } catch (err) {
        if (!inUse(err)) throw err;
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    warn(`Azurite: port ${port} of earlier runs is taken; using another one (download links handed out before no longer work)`);
  }
  const azurite = await startAzurite({ location });
  fs.mkdirSync(location, { recursive: true });
  fs.writeFileSync(file, `${new URL(azurite.blobEndpoint).port}\n`);
  return azurite;
}
