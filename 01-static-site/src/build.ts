/**
 * Build the site: compile the page script and the stylesheet with esbuild (minified, fingerprinted),
 * fingerprint the icon, point the HTML at the fingerprinted files, and write /config.json with the API's
 * base URL. Fingerprinted files never change under the same name, so they can be cached for a year.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { exerciseSwap } from '../../shared/src/exercise-swap';
import { filesUnder } from '../../shared/src/files';
import { CONFIG_PATH, parseSiteConfig } from '../site/src/site-config';

export const CHAPTER_DIR = path.resolve(__dirname, '..');
export const SITE_SOURCE_DIR = path.join(CHAPTER_DIR, 'site');
/** Git-ignored (dist/ in .gitignore). Tests and benches pass their own temporary folder. */
export const DEFAULT_OUT_DIR = path.join(CHAPTER_DIR, 'dist');
/** Left in every build folder so a rebuild only ever empties a folder the build made. Never uploaded. */
const BUILD_MARKER = '.site-build';
const PAGES = ['index.html', 'check.html', '404.html'] as const;

export interface BuildOptions {
  /** The API's base URL (…/dev), written to /config.json; null when no API is deployed yet. */
  readonly apiBaseUrl: string | null;
  /** Where to write the site; default 01-static-site/dist. Emptied first if it holds an earlier build. */
  readonly outDir?: string;
}

export interface BuiltFile {
  /** Path inside the site, with "/" separators: the object key once uploaded. */
  readonly path: string;
  readonly bytes: number;
}

export interface BuildResult {
  readonly outDir: string;
  readonly files: readonly BuiltFile[];
  readonly totalBytes: number;
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

function prepareOutDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!existsSync(path.join(outDir, BUILD_MARKER))) {
      throw new BuildError(
        `Refusing to empty ${outDir}: it is not a folder this build made. Choose an empty or new folder.`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  writeFileSync(
    path.join(outDir, BUILD_MARKER),
    'Made by 01-static-site/src/build.ts; emptied on rebuild.\n',
  );
}

/** `name.HASH.ext`, as esbuild names its outputs: 8 characters of a content hash. */
function fingerprintedName(file: string, content: Buffer): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 8).toUpperCase();
  const ext = path.extname(file);
  return `${path.basename(file, ext)}.${hash}${ext}`;
}

async function compileAssets(outDir: string): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: [
      { in: path.join(SITE_SOURCE_DIR, 'src', 'check.ts'), out: 'check' },
      { in: path.join(SITE_SOURCE_DIR, 'assets', 'styles.css'), out: 'styles' },
    ],
    absWorkingDir: CHAPTER_DIR,
    outdir: path.join(outDir, 'assets'),
    entryNames: '[name].[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
    // npm start -- --use-exercises: the learner's exercise files in place of the page's modules.
    plugins: [exerciseSwap()],
  });
  // Source reference in the HTML -> the fingerprinted file esbuild wrote.
  const renamed = new Map<string, string>();
  for (const [output, info] of Object.entries(result.metafile.outputs)) {
    if (!info.entryPoint) continue;
    const name = path.basename(output);
    const source = info.entryPoint.endsWith('.ts') ? '/assets/check.js' : '/assets/styles.css';
    renamed.set(source, `/assets/${name}`);
  }
  const icon = readFileSync(path.join(SITE_SOURCE_DIR, 'assets', 'favicon.svg'));
  const iconName = fingerprintedName('favicon.svg', icon);
  writeFileSync(path.join(outDir, 'assets', iconName), icon);
  renamed.set('/assets/favicon.svg', `/assets/${iconName}`);
  return renamed;
}

function writePage(page: string, outDir: string, renamed: Map<string, string>): void {
  let html = readFileSync(path.join(SITE_SOURCE_DIR, page), 'utf8');
  html = html.replace(/(src|href)="(\/assets\/[^"]+)"/g, (_whole, attribute: string, reference: string) => {
    const target = renamed.get(reference);
    if (!target) throw new BuildError(`${page} refers to ${reference}, which the build does not produce.`);
    return `${attribute}="${target}"`;
  });
  // Indentation is for people reading the source; the browser does not need it.
  html = html.replace(/\n[ \t]+/g, '\n');
  writeFileSync(path.join(outDir, page), html);
}

function listFiles(dir: string): BuiltFile[] {
  return filesUnder(dir).map((key) => ({ path: key, bytes: statSync(path.join(dir, key)).size }));
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const config = parseSiteConfig({ apiBaseUrl: options.apiBaseUrl });
  prepareOutDir(outDir);
  const renamed = await compileAssets(outDir);
  for (const page of PAGES) writePage(page, outDir, renamed);
  writeFileSync(path.join(outDir, CONFIG_PATH.slice(1)), `${JSON.stringify(config)}\n`);
  const files = listFiles(outDir).sort((a, b) => a.path.localeCompare(b.path));
  return { outDir, files, totalBytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}
