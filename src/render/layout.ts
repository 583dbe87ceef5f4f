// The width tables must fit (the terminal's, or $COLUMNS), and whether --wide asked for every cell
// in full. Set once per command by the CLI (this module imports nothing, so setting it costs
// nothing); renderers stay pure functions of their data.
export interface Layout {
  width: number | null;
  wide: boolean;
}

let current: Layout = { width: null, wide: false };

export function setLayout(l: Layout): void {
  current = l;
}

export function layout(): Layout {
  return current;
}
