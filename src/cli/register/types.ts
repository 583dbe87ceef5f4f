import type { Command } from '@commander-js/extra-typings';

/** The options type a command builder declares, for its command module to take. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OptsOf<F extends (...a: any[]) => Command<any, any, any>> = ReturnType<ReturnType<F>['opts']>;

/** A repeatable option's collector. */
export const collect = (v: string, acc: string[] = []): string[] => [...acc, v];

/** A parent command that subcommand builders attach to (its own options do not matter to them). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Parent<A extends unknown[] = []> = Command<A, {}, {}>;
