// The picker a shell's Ctrl-R starts: its own bundle (dist/picker.cjs), run by the key binding
// with `node` directly, so that nothing but the store, the matcher and this screen loads before
// the first paint. It draws on /dev/tty (the shell's stdout is the widget's capture) in the
// alternate screen, which gives the shell its screen back untouched, and prints the outcome on
// stdout for the widget: `accept` or `edit` and the chosen line, or `cancel`.
import { closeSync, openSync, writeFileSync, appendFileSync, writeSync } from 'node:fs';
import { createWorld, type World } from '../../core/world.js';
import { knownError } from '../../errors.js';
import { historyApi } from '../../shell/api.js';
import { MODES, pickerApi, type Mode, type Picker, type PickResult } from '../api.js';
import { parseKeys, type Key } from './keys.js';
import { frame, listHeight, type View } from './screen.js';
import { openTerminal } from './terminal.js';
import { writeAll } from '../../util/io.js';

export interface PickerArgs {
  query: string;
  mode?: Mode;
}

/** --query TEXT, --mode MODE (what the widgets pass). */
export function parseArgs(argv: readonly string[]): PickerArgs {
  const args: PickerArgs = { query: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i]!;
    };
    if (a === '--query') args.query = value();
    else if (a.startsWith('--query=')) args.query = a.slice(8);
    else if (a === '--mode') args.mode = value() as Mode;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.mode !== undefined && !MODES.includes(args.mode)) throw new Error(`--mode must be one of ${MODES.join(', ')}`);
  return args;
}

export type Outcome = { action: 'accept' | 'edit'; line: string } | { action: 'cancel' };

/**
 * Runs the picker on the terminal; returns the exit code after printing the outcome: for a
 * widget, the action and the line; for `mem picker` (`print: 'line'`), the chosen line alone
 * (exit 1 when cancelled).
 */
export async function runPicker(argv: readonly string[], world: World = createWorld(), o: { print?: 'widget' | 'line' } = {}): Promise<number> {
  const cancel = () => {
    if (o.print !== 'line') emit('cancel\n');
  };
  let args: PickerArgs;
  let fdIn: number;
  let fdOut: number;
  try {
    args = parseArgs(argv);
    fdIn = openSync('/dev/tty', 'r');
    fdOut = openSync('/dev/tty', 'w');
  } catch (err) {
    process.stderr.write(`mem: ${(err as NodeJS.ErrnoException).code === 'ENXIO' || (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the picker needs a terminal (/dev/tty)' : (err as Error).message}\n`);
    cancel();
    return 2;
  }
  let picker: Picker;
  try {
    picker = pickerApi(world).open({ session: world.env.MEM_SESSION, mode: args.mode, quickStart: true });
  } catch (err) {
    const known = knownError(err);
    process.stderr.write(`mem: ${known ? known.message : (err as Error).message}\n`);
    cancel();
    return known ? known.exitCode : 1;
  }
  let outcome: Outcome;
  try {
    outcome = await interact(picker, world, args.query, fdIn, fdOut);
  } catch (err) {
    // (Before the first paint: a store that cannot be read, say. The terminal is as it was.)
    const known = knownError(err);
    process.stderr.write(`mem: ${known ? known.message : `internal error: ${(err as Error)?.message ?? String(err)}`}\n`);
    cancel();
    return known ? known.exitCode : 1;
  }
  closeSync(fdIn);
  closeSync(fdOut);
  if (o.print === 'line') {
    if (outcome.action === 'cancel') return 1;
    return emit(outcome.line + '\n');
  }
  return emit(outcome.action === 'cancel' ? 'cancel\n' : `${outcome.action}\n${outcome.line}`);
}

/**
 * Writes the outcome on stdout (the widget's capture, or what `mem picker` is piped into), as the
 * CLI writes (src/cli/stdio.ts): a full non-blocking pipe is waited for, a reader that has gone
 * (EPIPE) is no error, any other failure (a full disk) is one line and exit 1. Returns the exit code.
 */
function emit(text: string): number {
  try {
    writeAll(1, text);
    return 0;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EPIPE') return 0;
    process.stderr.write(`mem: cannot write the output (${e.code ?? e.message}): it is incomplete\n`);
    return 1;
  }
}

function colorOn(world: World): boolean {
  const setting = world.config.get<string>('output.color');
  return setting === 'always' || (setting === 'auto' && !world.env.NO_COLOR && world.env.TERM !== 'dumb');
}

function interact(picker: Picker, world: World, initial: string, fdIn: number, fdOut: number): Promise<Outcome> {
  const trace = world.env.MEM_PICKER_TRACE;
  const term = openTerminal(fdIn, fdOut);
  const color = colorOn(world);
  const size = () => {
    const s = term.size();
    return { width: Math.max(20, s?.columns ?? 80), height: Math.max(5, s?.rows ?? 24) };
  };
  let query = initial;
  let result: PickResult;
  let selected = 0;
  let offset = 0;
  let footer: string | null = null;
  let confirm: { command: string; ids: number[] } | null = null;

  // A screenful is ranked and read in detail; scrolling past it asks for more.
  let limit = 0;
  const search = () => {
    limit = listHeight(size().height);
    result = picker.search(query, limit);
    selected = 0;
    offset = 0;
  };
  const more = () => {
    if (selected < result.rows.length - 1 || result.rows.length >= result.matched) return;
    limit *= 2;
    result = picker.search(query, limit);
  };
  const draw = () => {
    const { width, height } = size();
    const h = listHeight(height);
    if (selected < offset) offset = selected;
    if (selected >= offset + h) offset = selected - h + 1;
    const view: View = { mode: picker.mode, next: picker.nextMode(), query, rows: result.rows, matched: result.matched, total: result.total, partial: result.partial, selected, offset, footer, now: world.now() };
    writeSync(fdOut, frame(view, width, height, color));
  };

  try {
    term.raw();
    writeSync(fdOut, '\x1b[?1049h');
    search();
    draw();
  } catch (err) {
    // The terminal as it was (cooked, the shell's screen) before the error is reported.
    term.close();
    writeSync(fdOut, '\x1b[?1049l');
    throw err;
  }
  // (bench/picker.mjs: wall time since the process started, and the CPU time it used, in ms)
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  if (trace) writeFileSync(trace, `paint ${performance.now().toFixed(2)} ${cpuMs().toFixed(2)}\n`);

  return new Promise((done) => {
    let finished = false;
    const finish = (o: Outcome) => {
      if (finished) return;
      finished = true;
      term.close();
      writeSync(fdOut, '\x1b[?1049l');
      done(o);
    };
    // Whatever went wrong, the terminal is given back (raw mode off, the shell's screen) before the
    // one-line error: never a stack trace left on the alternate screen.
    const fail = (err: unknown) => {
      finish({ action: 'cancel' });
      const known = knownError(err);
      process.stderr.write(`mem: ${known ? known.message : `internal error: ${(err as Error)?.message ?? String(err)}`}\n`);
    };
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, () => finish({ action: 'cancel' }));
    // A resized terminal is drawn again at its new size (which every frame reads).
    process.on('SIGWINCH', () => {
      if (!finished) draw();
    });
    // What the hooks spooled since the last ingest (the command just run) joins after the first
    // paint, and the candidates are made ready for matching while the user reads the screen: a
    // step at a time, with the keys typed meanwhile taken in between (matched against the first
    // screen's candidates), then drawn again with everything.
    const warmStep = () => {
      if (finished) return;
      try {
        const t0 = performance.now();
        const ready = picker.warm();
        if (trace) appendFileSync(trace, `warm ${(performance.now() - t0).toFixed(3)}\n`);
        if (!ready) return void setImmediate(warmStep);
        const keep = selected;
        search();
        selected = Math.min(keep, Math.max(0, result.rows.length - 1));
        draw();
      } catch (err) {
        fail(err);
      }
    };
    setImmediate(() => {
      try {
        const r = historyApi(world).ingest();
        if (r && r.added > 0) picker.reload();
      } catch {
        // a busy or missing store: what was read is shown
      }
      setImmediate(warmStep);
    });
    const handle = (key: Key): Outcome | null => {
      const row = result.rows[selected];
      if (confirm) {
        const yes = key.kind === 'char' && /^y/i.test(key.text);
        if (yes) {
          const shown = JSON.stringify(confirm.command.length > 40 ? confirm.command.slice(0, 39) + '…' : confirm.command);
          try {
            const { removed } = historyApi(world).remove(confirm.ids, { background: true });
            picker.reload();
            search();
            footer = `deleted ${removed} run${removed === 1 ? '' : 's'} of ${shown}`;
          } catch (err) {
            // A busy store (another mem holding the write lock past the busy timeout), a full disk:
            // the removal is one transaction, so nothing was deleted; say so and stay open.
            const known = knownError(err);
            if (!known) throw err;
            footer = `${shown} was not deleted: ${known.message}`;
          }
        } else footer = null;
        confirm = null;
        return null;
      }
      footer = null;
      switch (key.kind) {
        case 'char':
          query += key.text;
          search();
          break;
        case 'backspace':
          query = Array.from(query).slice(0, -1).join('');
          search();
          break;
        case 'clear':
          query = '';
          search();
          break;
        case 'word':
          query = query.replace(/\S*\s*$/, '');
          search();
          break;
        case 'mode':
          picker.setMode(picker.nextMode());
          search();
          break;
        case 'up':
          selected = Math.max(0, selected - 1);
          break;
        case 'down':
          more();
          selected = Math.min(Math.max(0, result.rows.length - 1), selected + 1);
          break;
        case 'pageup':
          selected = Math.max(0, selected - listHeight(size().height));
          break;
        case 'pagedown':
          selected = Math.min(Math.max(0, result.rows.length - 1), selected + listHeight(size().height));
          more();
          selected = Math.min(Math.max(0, result.rows.length - 1), selected);
          break;
        case 'delete':
          if (row) {
            const ids = picker.idsOf(row.command);
            confirm = { command: row.command, ids };
            const shown = row.command.split('\n')[0]!;
            footer = `Delete ${JSON.stringify(shown.length > 40 ? shown.slice(0, 39) + '…' : shown)} from history (${ids.length} run${ids.length === 1 ? '' : 's'})? [y/N]`;
          }
          break;
        case 'enter':
        case 'tab':
          return row ? { action: key.kind === 'enter' ? 'accept' : 'edit', line: row.command } : { action: 'cancel' };
        case 'esc':
        case 'cancel':
          return { action: 'cancel' };
        default:
          break;
      }
      return null;
    };
    term.listen((chunk: Buffer) => {
      const t0 = performance.now();
      const c0 = trace ? cpuMs() : 0;
      try {
        for (const key of parseKeys(chunk.toString('utf8'))) {
          const o = handle(key);
          if (o) return finish(o);
        }
        draw();
      } catch (err) {
        return fail(err);
      }
      if (trace) appendFileSync(trace, `key ${(performance.now() - t0).toFixed(3)} ${(cpuMs() - c0).toFixed(3)}\n`);
    }, fail);
  });
}
