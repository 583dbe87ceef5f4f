// Node's own bindings, for the few questions whose public modules cost more to load than mem's
// whole answer (node:tty loads net, ~5 ms, to say whether a descriptor is a terminal and how big
// it is). process.binding is deprecated: its warning is quietened here, and every caller keeps
// the public module as its fallback for a node without the binding.

const cache = new Map<string, unknown>();

/** process.binding(name), or null where this node has no such binding (or no process.binding). */
export function nodeBinding(name: 'tty_wrap' | 'stream_wrap'): Record<string, unknown> | null {
  if (cache.has(name)) return cache.get(name) as Record<string, unknown> | null;
  const quiet = process.noDeprecation;
  let b: Record<string, unknown> | null = null;
  try {
    process.noDeprecation = true;
    b = (process as unknown as { binding: (name: string) => Record<string, unknown> }).binding(name);
  } catch {
    b = null;
  } finally {
    process.noDeprecation = quiet;
  }
  cache.set(name, b);
  return b;
}
