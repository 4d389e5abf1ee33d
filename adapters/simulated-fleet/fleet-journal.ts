/**
 * The simulated fleet's memory across restarts: an append-only JSONL file of changes, replayed on start, so
 * devices keep their installed versions and accepted commands as real devices would. Each batch of changes is
 * one append, made together with the change itself.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DesiredVersion } from '../../domain/fleet/fleet-port';
import type { PackageVerdict } from './package-verdict';
import type { FinishedInstall } from './simulated-device';

export type FleetChange =
  | {
      type: 'accepted';
      deviceId: string;
      commandId: string;
      version: string;
      kind: DesiredVersion['kind'];
      /** The update name, when it is one of the device's other software (a component), not its main firmware. */
      component?: string;
      /** What the device made of a signed package: replayed as is, never verified or downloaded again. */
      package?: PackageVerdict;
      at: string;
    }
  | (Omit<FinishedInstall, 'reportedMs'> & {
      type: 'finished';
      deviceId: string;
      /** FinishedInstall's reportedMs, as ISO text in the file. */
      reportedAt: string;
      at: string;
    });

export class FleetJournal {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  /**
   * Every change so far, oldest first. A last line without its newline is a write cut short by a crash (never
   * acknowledged to anyone): it is cut off, so the next append starts on a clean line.
   */
  readAll(): FleetChange[] {
    if (!existsSync(this.path)) return [];
    const text = readFileSync(this.path, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) truncateSync(this.path, Buffer.byteLength(text.slice(0, end)));
    const lines = text.slice(0, end).split('\n');
    lines.pop();
    return lines.map((line, index) => this.parse(line, index + 1));
  }

  append(changes: readonly FleetChange[]): void {
    if (changes.length === 0) return;
    appendFileSync(this.path, changes.map((change) => `${JSON.stringify(change)}\n`).join(''));
  }

  private parse(line: string, lineNumber: number): FleetChange {
    let change: unknown;
    try {
      change = JSON.parse(line);
    } catch (error) {
      throw new Error(`${this.path}:${lineNumber}: not JSON: ${(error as Error).message}`);
    }
    const type = (change as { type?: unknown } | null)?.type;
    if (type !== 'accepted' && type !== 'finished') throw new Error(`${this.path}:${lineNumber}: unknown change type ${JSON.stringify(type)}`);
    return change as FleetChange;
  }
}
