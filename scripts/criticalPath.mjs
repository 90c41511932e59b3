// What a page loads at once from a bundler's output, and what it loads only on demand: the entry
// chunks and every chunk they import statically, against the chunks only dynamic imports reach.
// Used by `npm run size` and by test/treeShaking.test.ts.

/** Each chunk's code, joined: `critical` (the entries and their static imports) and `lazy` (the rest). */
export function criticalPath(output) {
  const chunks = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    chunks.get(name).imports.forEach(visit);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  const join = (list) => list.map((c) => c.code).join('\n');
  const all = [...chunks.values()];
  return {
    critical: join(all.filter((c) => eager.has(c.fileName))),
    lazy: join(all.filter((c) => !eager.has(c.fileName))),
  };
}
