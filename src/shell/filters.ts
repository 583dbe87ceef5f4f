// What is never recorded: private (leading-space) commands, the user's filter regexes on commands
// and directories, and mem's own internal commands. Applied by the ingester and by `mem prune`.
import type { Config } from '../config/config.js';

export interface HistoryFilter {
  /** Why a command is not kept, or null when it is. */
  reject(command: string, cwd: string | null): string | null;
}

const INTERNAL = /^\s*(?:\\?__mem_\w*|(?:\S*\/)?mem\s+__\w+)/;

export function historyFilter(config: Config): HistoryFilter {
  const ignoreSpace = config.get<boolean>('history.ignore_space');
  const commands = config.get<string[]>('history.ignore_commands').map((r) => new RegExp(r));
  const dirs = config.get<string[]>('history.ignore_dirs').map((r) => new RegExp(r));
  return {
    reject(command, cwd) {
      if (command.trim() === '') return 'empty';
      if (ignoreSpace && /^[ \t]/.test(command)) return 'leading space';
      if (INTERNAL.test(command)) return 'mem internal';
      if (commands.some((r) => r.test(command))) return 'history.ignore_commands';
      if (cwd !== null && dirs.some((r) => r.test(cwd))) return 'history.ignore_dirs';
      return null;
    },
  };
}
