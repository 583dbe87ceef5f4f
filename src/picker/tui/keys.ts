// Keys from a terminal in raw mode: one chunk of input may hold several keys (fast typing, a
// paste, tmux send-keys), so a chunk is split into keys here.

export type KeyName = 'enter' | 'tab' | 'esc' | 'cancel' | 'backspace' | 'clear' | 'word' | 'mode' | 'delete' | 'up' | 'down' | 'pageup' | 'pagedown' | 'other';
export type Key = { kind: 'char'; text: string } | { kind: KeyName };

const CSI: Record<string, KeyName> = {
  '[A': 'up',
  OA: 'up',
  '[B': 'down',
  OB: 'down',
  '[5~': 'pageup',
  '[6~': 'pagedown',
  '[3~': 'delete',
};

const CONTROL: Record<number, KeyName> = {
  0x0d: 'enter',
  0x0a: 'enter',
  0x09: 'tab',
  0x7f: 'backspace',
  0x08: 'backspace',
  0x15: 'clear', // Ctrl-U
  0x17: 'word', // Ctrl-W
  0x12: 'mode', // Ctrl-R
  0x04: 'delete', // Ctrl-D
  0x03: 'cancel', // Ctrl-C
  0x07: 'cancel', // Ctrl-G
  0x10: 'up', // Ctrl-P
  0x0e: 'down', // Ctrl-N
};

export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  let text = '';
  const flush = () => {
    if (text) keys.push({ kind: 'char', text });
    text = '';
  };
  for (let i = 0; i < chunk.length; ) {
    const c = chunk.charCodeAt(i);
    if (c === 0x1b) {
      flush();
      const rest = chunk.slice(i + 1);
      // An escape sequence: ESC [ or ESC O, parameters, one final byte.
      const m = /^(?:\[[0-9;?]*[~A-Za-z]|O[A-Za-z])/.exec(rest);
      if (m) {
        keys.push({ kind: CSI[m[0]] ?? 'other' });
        i += 1 + m[0].length;
      } else if (rest.length && rest.charCodeAt(0) !== 0x1b) {
        keys.push({ kind: 'other' }); // Alt-<key>
        i += 2;
      } else {
        keys.push({ kind: 'esc' });
        i += 1;
      }
      continue;
    }
    if (c < 0x20 || c === 0x7f) {
      flush();
      keys.push({ kind: CONTROL[c] ?? 'other' });
      i++;
      continue;
    }
    text += chunk[i];
    i++;
  }
  flush();
  return keys;
}
