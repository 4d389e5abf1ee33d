#!/usr/bin/env node
/** The `ota` executable (package.json `bin`). */
import { main } from './main';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, process.env.OTA_DEBUG === '1').then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`ota: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
