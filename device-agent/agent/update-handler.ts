/**
 * How verified files become an installed version. The agent hands a handler the slot to fill and the files it
 * has checked; the default handler copies them and writes version.json. Other handlers (swupdate, a container
 * runtime, a bootloader flag) plug in behind the same interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SlotContent } from './journal';
import { writeVersionFile } from './slots';

export interface InstallRequest {
  /** The inactive slot's folder: the handler may empty and rewrite it. */
  slotDir: string;
  content: SlotContent;
  /** Verified files, by file name, on local disk. */
  files: { fileName: string; path: string }[];
  signal: AbortSignal;
}

export interface UpdateHandler {
  /** Rejects when the slot cannot be written; called again from scratch after a crash, so it must be repeatable. */
  install(request: InstallRequest): Promise<void>;
}

export const copyFilesHandler: UpdateHandler = {
  async install({ slotDir, content, files, signal }) {
    await fs.promises.rm(slotDir, { recursive: true, force: true });
    await fs.promises.mkdir(slotDir, { recursive: true });
    for (const file of files) {
      signal.throwIfAborted();
      const destination = path.join(slotDir, path.basename(file.fileName));
      await fs.promises.copyFile(file.path, destination);
      const handle = await fs.promises.open(destination, 'r');
      await handle.sync().finally(() => handle.close());
    }
    writeVersionFile(slotDir, content);
  },
};
