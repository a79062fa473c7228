/**
 * Removes the folders serverless-esbuild leaves in the system temp folder.
 *
 * Why: to zip the function, serverless-esbuild (1.57) copies the bundle into
 * <temp>/<zip name>-<pid>-<time>-<random>/ and means to delete it afterwards, but its delete is not
 * recursive and its error is ignored, so every `serverless package`, deploy or local invoke leaves one
 * behind. This plugin deletes, as the serverless command ends, the ones this very process made (their
 * name carries its pid), whatever the command was and however it ended short of a kill.
 */
const { readdirSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The names serverless-esbuild gives, for this process: <name>-<pid>-<milliseconds>-<8 hex digits>. */
function madeByThisProcess(name) {
  return new RegExp(`^.+-${process.pid}-\\d+-[0-9a-f]{8}$`).test(name);
}

function removeOwnZipFolders() {
  const temp = os.tmpdir();
  let names;
  try {
    names = readdirSync(temp);
  } catch {
    return; // no temp folder to clean
  }
  for (const name of names.filter(madeByThisProcess)) {
    rmSync(path.join(temp, name), { recursive: true, force: true });
  }
}

class ZipFolderCleanup {
  constructor() {
    this.hooks = {};
    // On exit, not after a hook: a failed deploy or an interrupted command leaves the folder too.
    process.once('exit', removeOwnZipFolders);
  }
}

module.exports = ZipFolderCleanup;
