// graphology, loaded on first use: only the in-memory statistics (evaluation, `mem graph`) build
// graphs, and requiring the library costs ~7 ms of every other command's start-up.
import { createRequire } from 'node:module';
import type { DirectedGraph } from 'graphology';

let lib: { DirectedGraph: typeof DirectedGraph } | undefined;

export function newDirectedGraph<N extends object, E extends object>(): DirectedGraph<N, E> {
  lib ??= createRequire(import.meta.url)('graphology') as { DirectedGraph: typeof DirectedGraph };
  return new lib.DirectedGraph<N, E>();
}
