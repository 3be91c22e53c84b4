// A node --test reporter that writes one JSON line per finished test:
// { file, path: [describe..., test], ok, skip, todo, ms }. report.mjs uses it
// to build the compatibility table.
import { basename } from 'node:path';

export default async function* compatReporter(source) {
  const stacks = new Map(); // file -> names by nesting level
  for await (const { type, data } of source) {
    if (type === 'test:start') {
      const s = stacks.get(data.file) ?? [];
      s.length = data.nesting;
      s[data.nesting] = data.name;
      stacks.set(data.file, s);
    } else if (type === 'test:pass' || type === 'test:fail') {
      if (data.details?.type === 'suite') continue;
      if (!data.file) continue;
      const s = stacks.get(data.file) ?? [];
      const path = [...s.slice(0, data.nesting), data.name];
      yield `${JSON.stringify({ file: basename(data.file), path, ok: type === 'test:pass', skip: Boolean(data.skip), todo: Boolean(data.todo), ms: Math.round(data.details?.duration_ms ?? 0) })}\n`;
    }
  }
}
