/**
 * The Azurite child process: runs Azurite's blob server in this process, with acknowledged writes saved before they
 * are answered (azurite-durable-metadata.ts) and an exit when the parent that started it is gone (exit-with-parent.ts).
 *
 *   node azurite-process.js <Azurite's blob/main.js> [Azurite's arguments]
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { saveMetadataBeforeAnswering } from './azurite-durable-metadata';
import { exitWithParent } from './exit-with-parent';

/** After the parent is gone, Azurite gets this long to close before the process exits regardless. */
const ORPHAN_EXIT_MS = 1_000;

const [blobMain, ...args] = process.argv.slice(2);
if (!blobMain) throw new Error("usage: azurite-process <Azurite's blob/main.js> [arguments]");

exitWithParent(() => {
  setTimeout(() => process.exit(0), ORPHAN_EXIT_MS).unref();
  process.kill(process.pid, 'SIGTERM'); // Azurite's own graceful shutdown
});
if (!args.includes('--inMemoryPersistence')) saveMetadataBeforeAnswering(path.dirname(path.dirname(blobMain)));

// Azurite reads its options from process.argv, and starts when its main module is loaded.
process.argv = [process.argv[0]!, blobMain, ...args];
createRequire(__filename)(blobMain);
