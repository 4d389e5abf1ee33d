/**
 * The desired `ota.command`, checked before any field is relied on: the service writes it, but a malformed one
 * must be reported as such (by its id), never crash the agent.
 *
 * The local IoT Hub's virtual devices read the same command with a looser parser of their own
 * (local-iothub/virtual-devices/ota-command.ts). This one must be stricter: the agent writes each file into a slot
 * folder and downloads it, so a file name with folders or a URL that is not one is refused before anything is done.
 */
import { z } from 'zod';
import type { OtaCommand } from './journal';

/** A file name the agent can write into a slot: no folders, no `.`/`..`. */
const plainFileName = z
  .string()
  .min(1)
  .refine((name) => !/[/\\\0]/.test(name) && name !== '.' && name !== '..', 'must be a plain file name without folders');

const commandSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['install', 'restore']),
  update: z.object({ provider: z.string().optional(), name: z.string(), version: z.string().min(1) }),
  signedManifest: z.string().min(1).optional(),
  files: z
    .array(
      z.object({
        fileName: plainFileName,
        url: z.string().url().optional(),
        deltas: z.array(z.object({ baseVersion: z.string(), url: z.string().url() })).default([]),
      }),
    )
    .optional(),
});

export type ParsedCommand = { ok: true; command: OtaCommand } | { ok: false; id: string; problem: string };

/** Undefined when there is no command or no id to answer it by. */
export function parseCommand(value: unknown): ParsedCommand | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') return undefined;
  const parsed = commandSchema.safeParse(value);
  if (parsed.success) return { ok: true, command: stripUndefined(parsed.data) };
  const issue = parsed.error.issues[0];
  return { ok: false, id, problem: `the command's ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'is invalid'}` };
}

/** Whether the command carries a package the agent can verify and install itself. */
export function hasPackage(command: OtaCommand): boolean {
  return command.signedManifest !== undefined && (command.files?.length ?? 0) > 0;
}

function stripUndefined(command: z.infer<typeof commandSchema>): OtaCommand {
  return JSON.parse(JSON.stringify(command)) as OtaCommand;
}
