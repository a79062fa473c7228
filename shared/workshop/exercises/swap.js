/**
 * An esbuild plugin for `npm start -- --use-exercises`: when WORKSHOP_EXERCISES lists swaps (JSON, a list
 * of {replaces, file} absolute paths), an import of the chapter's module `replaces` bundles the learner's
 * exercise `file` instead. Without it, it does nothing. Used by the site build (chapter 01) and, through
 * serverless-esbuild's `plugins` setting, by chapter 03's bundle.
 */
const path = require('node:path');

function swapsFromEnvironment() {
  const listed = process.env.WORKSHOP_EXERCISES;
  if (!listed) return [];
  const swaps = JSON.parse(listed);
  if (!Array.isArray(swaps)) throw new Error('WORKSHOP_EXERCISES must be a JSON list of {replaces, file}');
  return swaps;
}

const withoutExtension = (file) => file.replace(/\.[cm]?[jt]s$/, '');

function exerciseSwap() {
  return {
    name: 'workshop-exercises',
    setup(build) {
      const swaps = new Map(
        swapsFromEnvironment().map((swap) => [withoutExtension(swap.replaces), swap.file]),
      );
      if (swaps.size === 0) return;
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const file = swaps.get(withoutExtension(path.resolve(args.resolveDir, args.path)));
        return file ? { path: file } : undefined;
      });
    },
  };
}

// serverless-esbuild calls the function its `plugins` setting names and takes the plugins it returns.
module.exports = () => [exerciseSwap()];
module.exports.exerciseSwap = exerciseSwap;
