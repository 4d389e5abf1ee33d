/**
 * The A/B slots on disk: `<data>/slots/{a,b}/` each hold one version's files and its version.json, and
 * `<data>/current` is a symlink to the active one, replaced by an atomic rename so that a crash leaves it pointing
 * at either the old or the new slot.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { syncFolder } from './journal-store';
import type { SlotContent, SlotName } from './journal';

export interface SlotLayout {
  dataDir: string;
  slotDir(slot: SlotName): string;
  currentLink: string;
  downloadsDir: string;
}

export function slotLayout(dataDir: string): SlotLayout {
  return {
    dataDir,
    slotDir: (slot) => path.join(dataDir, 'slots', slot),
    currentLink: path.join(dataDir, 'current'),
    downloadsDir: path.join(dataDir, 'downloads'),
  };
}

/** version.json: what the slot holds, for the journal's cross-check and for the software it runs. */
export function writeVersionFile(slotDir: string, content: SlotContent): void {
  const file = path.join(slotDir, 'version.json');
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(content, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

/** The factory slot on first start: version.json only (the factory image is whatever the device shipped with). */
export function ensureSlotDir(layout: SlotLayout, slot: SlotName, content: SlotContent): void {
  const dir = layout.slotDir(slot);
  if (fs.existsSync(path.join(dir, 'version.json'))) return;
  fs.mkdirSync(dir, { recursive: true });
  writeVersionFile(dir, content);
}

/** Points `current` at the slot (idempotent). */
export function pointCurrentAt(layout: SlotLayout, slot: SlotName): void {
  const target = path.join('slots', slot);
  try {
    if (fs.readlinkSync(layout.currentLink) === target) return;
  } catch {
    // No link yet (first start) or not a link: replaced below.
  }
  const temp = `${layout.currentLink}.tmp`;
  fs.rmSync(temp, { force: true });
  fs.symlinkSync(target, temp);
  fs.renameSync(temp, layout.currentLink);
  syncFolder(layout.dataDir);
}

/** True when the slot's files are still the bytes its content records (a slot reused for a restore). */
export function slotMatches(layout: SlotLayout, slot: SlotName, content: SlotContent): boolean {
  const dir = layout.slotDir(slot);
  return content.files.every((file) => {
    try {
      const bytes = fs.readFileSync(path.join(dir, file.fileName));
      return bytes.byteLength === file.sizeInBytes && createHash('sha256').update(bytes).digest('base64') === file.sha256;
    } catch {
      return false;
    }
  });
}
