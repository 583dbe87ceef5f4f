// The whole command tree, for what describes the CLI itself (completion scripts): program.ts
// registers how to build it, so that those modules need not import program.ts (which reaches
// every command module) and make a cycle.
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

let build: (() => CommandUnknownOpts) | null = null;

export function setTreeBuilder(f: () => CommandUnknownOpts): void {
  build = f;
}

/** Every command declared (none stubbed out), as commander holds them. */
export function fullTree(): CommandUnknownOpts {
  if (!build) throw new Error('the CLI program is not loaded');
  return build();
}
