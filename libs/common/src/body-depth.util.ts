/** Nesting depth of a parsed JSON value, measured without recursion so hostile input cannot overflow the stack. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** No request body of ours nests deeper than this; deeper ones would only exhaust the transformer's stack. */
export const MAX_BODY_DEPTH = 16;
