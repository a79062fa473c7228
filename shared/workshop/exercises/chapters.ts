/** The chapters that have exercises, and their folders (each defines its own in exercises/checks.ts). */
export const CHAPTER_FOLDERS: Readonly<Record<number, string>> = {
  1: '01-static-site',
  2: '02-cloudfront',
  3: '03-lambda-check',
  4: '04-deploy-test',
  5: '05-logs',
};
