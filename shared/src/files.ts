/** Walking a folder: the one recursive listing the workshop uses (the site's build and upload, the layering test). */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The files below `dir`, as '/'-separated paths relative to it, sorted. Names starting with a dot (build
 * markers, editor files, .git) are never listed, and neither is what is in a folder named in `skip`.
 */
export function filesUnder(dir: string, options: { skip?: readonly string[] } = {}): string[] {
  const skip = new Set(options.skip ?? []);
  const walk = (folder: string, prefix: string): string[] =>
    readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      if (entry.name.startsWith('.') || skip.has(entry.name)) return [];
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      return entry.isDirectory() ? walk(path.join(folder, entry.name), key) : [key];
    });
  return walk(dir, '').sort();
}
