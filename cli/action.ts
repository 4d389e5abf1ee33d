/** Commander action handlers with the command's context: operands, the command's own options, the CLI context. */
import type { Command } from 'commander';
import type { CommandContext } from './context';

export type ActionHandler<O> = (context: CommandContext, args: string[], options: O) => Promise<void>;

/** How program.ts turns a handler into a commander action (it owns the streams and the exit code). */
export type Act = <O>(handler: ActionHandler<O>) => (...params: unknown[]) => Promise<void>;

/** The command commander passes last to every action. */
export function commandOf(params: unknown[]): Command {
  return params[params.length - 1] as Command;
}

/** Collects a repeatable option (`--role a --role b`) or a comma-separated environment variable. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((part) => part.trim()).filter(Boolean)];
}

/** A whole number option, or a usage error naming the option. */
export const positiveInteger = (name: string) => (value: string): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${name} must be a whole number above 0, not '${value}'`);
  return number;
};
