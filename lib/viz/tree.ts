/** Walks over the flame trees the server sends (any node type with a name and children). */

export interface TreeNode<N> {
  n: string;
  c?: N[];
}

/** The node reached by following a path of names below `root`, or null. */
export function findPath<N extends TreeNode<N>>(root: N, path: readonly string[]): N | null {
  let node: N | undefined = root;
  for (const name of path) {
    node = node?.c?.find((c) => c.n === name);
    if (!node) return null;
  }
  return node ?? null;
}

/** Visits every node (iteratively: trees can be thousands of frames deep). */
export function forEachNode<N extends TreeNode<N>>(root: N, visit: (node: N) => void): void {
  const stack: N[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as N;
    visit(node);
    if (node.c) for (const c of node.c) stack.push(c);
  }
}

/**
 * The floor share to ask the server for when drawing `widthPx` pixels wide: frames under about
 * a pixel of the focused frame are folded into aggregates. A power of two, so resizing a window
 * rarely changes the request.
 */
export function lodShareForWidth(widthPx: number): number {
  return 2 ** -Math.ceil(Math.log2(Math.max(256, Math.min(16_384, widthPx))));
}
