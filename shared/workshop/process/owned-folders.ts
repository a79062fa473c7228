/**
 * Folders a run makes for itself (a child's temp folder, serverless-offline's build folder) carry the pid
 * of the process that owns them, so that what a killed run left behind can be told from what a running
 * one uses, and swept.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `<prefix>-<this pid>-<random>`: a folder name no other run uses, owned by this process. */
export function ownedName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** The pid in a name made by ownedName, if it has this prefix. */
export function ownerOf(name: string, prefix: string): number | undefined {
  const match = new RegExp(`^${prefix}-(\\d+)-[0-9a-f]+$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

/** A new folder of `parent`, owned by this process. */
export function makeOwnedFolder(parent: string, prefix: string): string {
  const folder = path.join(parent, ownedName(prefix));
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** Remove the folders of `parent` named by ownedName with `prefix` whose owner has ended; returns them. */
export function sweepOrphans(parent: string, prefix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const name of names) {
    const owner = ownerOf(name, prefix);
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const folder = path.join(parent, name);
    rmSync(folder, { recursive: true, force: true });
    swept.push(folder);
  }
  return swept;
}
