/** The `ota` command line: global options (where, who, how to print) and the command groups. */
import { Command, Option } from 'commander';
import { collect, commandOf, type Act } from './action';
import { registerAuditCommands } from './commands/audit';
import { registerDeviceCommands } from './commands/devices';
import { registerReportCommands } from './commands/reports';
import { registerRolloutCommands } from './commands/rollouts';
import { registerUpdateCommands } from './commands/updates';
import { contextOf, type CliIo } from './context';
import { outputFormats } from './output';

export const defaultUrl = 'http://127.0.0.1:7071';

export function buildProgram(io: CliIo, exitWith: (code: number) => void): Command {
  const program = new Command('ota')
    .description('Operate and approve OTA rollouts: updates, devices, rollouts, audit and reports')
    .addOption(new Option('--url <url>', 'the service').env('OTA_URL').default(defaultUrl))
    .addOption(new Option('--output <format>', 'table for people, json for scripts').choices(outputFormats).default('table'))
    .addOption(new Option('--as <name>', 'local stack: act as this user (sends the App Service principal headers)').env('OTA_AS'))
    .addOption(new Option('--role <role>', 'local stack: an app role of --as, repeatable (OTA.Viewer, OTA.Operator, OTA.Approver, OTA.Admin)').env('OTA_ROLES').argParser(collect).default([], 'OTA.Viewer'))
    .addOption(new Option('--group <id>', 'local stack: an Entra group id of --as, repeatable').env('OTA_GROUPS').argParser(collect).default([], 'none'))
    .addOption(new Option('--scope <scope>', 'Azure: get an Entra token for this scope (e.g. api://<app-id>/.default) with DefaultAzureCredential').env('OTA_SCOPE'))
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
  program.addHelpText('after', '\nExit codes: docs/cli.md. Example: ota --as ops@contoso.com --role OTA.Operator rollouts list');

  const act: Act = (handler) => async (...params) => {
    const command = commandOf(params);
    await handler(contextOf(command, io, exitWith), command.args, command.opts() as Parameters<typeof handler>[2]);
  };
  registerUpdateCommands(program, act);
  registerDeviceCommands(program, act);
  registerRolloutCommands(program, act);
  registerAuditCommands(program, act);
  registerReportCommands(program, act);
  // Every command and group reports usage errors the same way (exit code 2), and `ota rollouts` alone shows help.
  const configure = (command: Command) => {
    command.exitOverride().showHelpAfterError('(add --help for usage)').configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}
