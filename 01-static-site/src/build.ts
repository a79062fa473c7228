/**
 * Build the site: compile the page script and the stylesheet with esbuild (minified, fingerprinted),
 * fingerprint the icon, point the HTML at the fingerprinted files, and write /config.json with the API's
 * base URL. Fingerprinted files never change under the same name, so they can be cached for a year.
 *
 * Every other file under site/ goes into the build too: pages (*.html) with their asset references
 * rewritten, files under assets/ fingerprinted, the rest (robots.txt...) as they are. Only src/ (the
 * page script's TypeScript, compiled above) and dotfiles stay out. A file S3 could not serve with a known
 * Content-Type stops the build with an error naming it, before anything is written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { filesUnder } from '../../shared/src/files';
import { CONFIG_PATH, parseSiteConfig } from '../site/src/site-config';
import { contentTypeFor, UnknownFileTypeError } from './content-types';

export const CHAPTER_DIR = path.resolve(__dirname, '..');
export const SITE_SOURCE_DIR = path.join(CHAPTER_DIR, 'site');
/** Git-ignored (dist/ in .gitignore). Tests and benches pass their own temporary folder. */
export const DEFAULT_OUT_DIR = path.join(CHAPTER_DIR, 'dist');
/** Left in every build folder so a rebuild only ever empties a folder the build made. Never uploaded. */
const BUILD_MARKER = '.site-build';
/** Compiled by esbuild (compileAssets), not copied. */
const COMPILED = new Set(['assets/styles.css']);

export interface BuildOptions {
  /** The API's base URL (…/dev), written to /config.json; null when no API is deployed yet. */
  readonly apiBaseUrl: string | null;
  /** Where to write the site; default 01-static-site/dist. Emptied first if it holds an earlier build. */
  readonly outDir?: string;
  /** The site's sources; default 01-static-site/site. */
  readonly sourceDir?: string;
  /** esbuild plugins for the page script (the workshop passes one that swaps in exercise files). */
  readonly plugins?: readonly Plugin[];
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

/** Every file of the site's sources, as paths with "/" (src/ and dotfiles left out). */
function sourceFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.')) return [];
    const key = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return key === 'src' ? [] : sourceFiles(path.join(dir, entry.name), key);
    return [key];
  });
}

/** Every file must have a Content-Type S3 can serve it with: say which one does not, before writing. */
function checkContentTypes(files: readonly string[], sourceDir: string): void {
  for (const file of files) {
    try {
      contentTypeFor(file);
    } catch (error) {
      if (!(error instanceof UnknownFileTypeError)) throw error;
      throw new BuildError(
        `Cannot build the site: ${path.join(sourceDir, file)} has no known Content-Type, so S3 could not serve it. Add its extension to CONTENT_TYPES in 01-static-site/src/content-types.ts, or move the file out of the site folder.`,
      );
    }
  }
}

async function compileAssets(
  sourceDir: string,
  outDir: string,
  plugins: readonly Plugin[],
): Promise<Map<string, string>> {
  const result = await build({
    entryPoints: [
      { in: path.join(sourceDir, 'src', 'check.ts'), out: 'check' },
      { in: path.join(sourceDir, 'assets', 'styles.css'), out: 'styles' },
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
    plugins: [...plugins],
  });
  // Source reference in the HTML -> the fingerprinted file esbuild wrote.
  const renamed = new Map<string, string>();
  for (const [output, info] of Object.entries(result.metafile.outputs)) {
    if (!info.entryPoint) continue;
    const name = path.basename(output);
    const source = info.entryPoint.endsWith('.ts') ? '/assets/check.js' : '/assets/styles.css';
    renamed.set(source, `/assets/${name}`);
  }
  return renamed;
}

/** Files under assets/ other than the compiled ones (the icon, images...): copied under a fingerprinted name. */
function fingerprintAssets(
  files: readonly string[],
  sourceDir: string,
  outDir: string,
  renamed: Map<string, string>,
): void {
  for (const file of files) {
    if (!file.startsWith('assets/') || COMPILED.has(file)) continue;
    const content = readFileSync(path.join(sourceDir, file));
    const target = path.posix.join(
      path.posix.dirname(file),
      fingerprintedName(path.posix.basename(file), content),
    );
    mkdirSync(path.dirname(path.join(outDir, target)), { recursive: true });
    writeFileSync(path.join(outDir, target), content);
    renamed.set(`/${file}`, `/${target}`);
  }
}

function writePage(page: string, sourceDir: string, outDir: string, renamed: Map<string, string>): void {
  let html = readFileSync(path.join(sourceDir, page), 'utf8');
  html = html.replace(/(src|href)="(\/assets\/[^"]+)"/g, (_whole, attribute: string, reference: string) => {
    let target = renamed.get(reference);
    try {
      target ??= renamed.get(decodeURI(reference));
    } catch {
      // not percent-encoding: the reference is taken as written
    }
    if (!target) throw new BuildError(`${page} refers to ${reference}, which the build does not produce.`);
    return `${attribute}="${encodeURI(target)}"`;
  });
  // Indentation is for people reading the source; the browser does not need it.
  html = html.replace(/\n[ \t]+/g, '\n');
  mkdirSync(path.dirname(path.join(outDir, page)), { recursive: true });
  writeFileSync(path.join(outDir, page), html);
}

function listFiles(dir: string): BuiltFile[] {
  return filesUnder(dir).map((key) => ({ path: key, bytes: statSync(path.join(dir, key)).size }));
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const outDir = path.resolve(options.outDir ?? DEFAULT_OUT_DIR);
  const sourceDir = path.resolve(options.sourceDir ?? SITE_SOURCE_DIR);
  const config = parseSiteConfig({ apiBaseUrl: options.apiBaseUrl });
  const sources = sourceFiles(sourceDir);
  checkContentTypes(sources, sourceDir);
  prepareOutDir(outDir);
  const renamed = await compileAssets(sourceDir, outDir, options.plugins ?? []);
  fingerprintAssets(sources, sourceDir, outDir, renamed);
  for (const file of sources) {
    if (file.endsWith('.html')) writePage(file, sourceDir, outDir, renamed);
    else if (!file.startsWith('assets/')) {
      mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
      writeFileSync(path.join(outDir, file), readFileSync(path.join(sourceDir, file)));
    }
  }
  writeFileSync(path.join(outDir, CONFIG_PATH.slice(1)), `${JSON.stringify(config)}\n`);
  const files = listFiles(outDir).sort((a, b) => a.path.localeCompare(b.path));
  return { outDir, files, totalBytes: files.reduce((sum, file) => sum + file.bytes, 0) };
}
