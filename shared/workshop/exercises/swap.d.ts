import type { Plugin } from 'esbuild';

/** The esbuild plugin of exercise-swap.js: the learner's exercise files in place of the modules they stand for. */
export function exerciseSwap(): Plugin;
