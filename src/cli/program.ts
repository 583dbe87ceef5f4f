// The CLI surface: the program and its global options, with each capability's commands
// registered by its own module. Only the invoked command is declared (building all of them costs
// ~7 ms of a ~120 ms start), and each action lazy-imports its command module.
import { Command } from '@commander-js/extra-typings';
import { ENV_HELP } from './env-help.js';
import { registerAgents } from './register/agents.js';
import { registerFixes } from './register/fixes.js';
import { registerMaintenance } from './register/maintenance.js';
import { registerMemory } from './register/memory.js';
import { registerPredict } from './register/predict.js';
import { registerServer } from './register/server.js';
import { registerShell } from './register/shell.js';
import { registerSync } from './register/sync.js';

declare const MEM_VERSION: string;

export type Program = ReturnType<typeof newProgram>;

function newProgram() {
  return new Command('mem')
    .description('the memory of your terminal and of the AI tools that fix things in it')
    .version(typeof MEM_VERSION === 'string' ? MEM_VERSION : 'dev', '-V, --version')
    .option('--db <path>', 'use this store instead of the default')
    .option('--json', 'machine-readable output on stdout (errors as JSON on stderr)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', ENV_HELP)
    .showSuggestionAfterError(true);
}

/** Stands in for the commands not invoked: every method returns it, so declaring them costs nothing. */
const STUB = new Proxy(function () {}, { get: () => () => STUB }) as unknown as Command;

/** The invoked top-level command when argv names one and asks for no help. */
export function invokedCommand(argv: string[]): string | undefined {
  const args = argv.slice(2);
  if (args.some((a) => a === '-h' || a === '--help' || a === 'help' || a === '-V' || a === '--version')) return undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--db') i++;
    else if (!args[i]!.startsWith('-')) return args[i];
  }
  return undefined;
}

export function buildProgram(only: string | null = invokedCommand(process.argv) ?? null): Program {
  const program = newProgram();
  let found = false;
  if (only !== null) {
    const declare = program.command.bind(program) as (...a: unknown[]) => Command;
    program.command = ((nameAndArgs: string, ...rest: unknown[]) => {
      if (nameAndArgs.split(' ')[0] !== only) return STUB;
      found = true;
      return declare(nameAndArgs, ...rest);
    });
  }
  registerFixes(program);
  registerShell(program);
  registerPredict(program);
  registerMemory(program);
  registerMaintenance(program);
  registerAgents(program);
  registerServer(program);
  registerSync(program);
  // An unknown command gets the whole tree, so commander can suggest the nearest name.
  if (only !== null && !found) return buildProgram(null);
  return program;
}
