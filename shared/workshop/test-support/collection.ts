/** The collection and environment files as plain JSON, for tests that look at their structure. */
import { readFileSync } from 'node:fs';
import { COLLECTION_FILE, ENVIRONMENT_FILES, type Target } from '../../../04-deploy-test/src/run-collection';

export interface ScriptEvent {
  listen: 'prerequest' | 'test';
  script: { type: string; exec: string[] };
}

export interface CollectionRequest {
  name: string;
  folder: string;
  event: ScriptEvent[];
  request: {
    method: string;
    description?: string;
    header: { key: string; value: string }[];
    body?: { mode: string; raw: string };
    url: { raw: string; host: string[] };
  };
}

export interface Collection {
  info: { name: string; schema: string; description: string };
  item: { name: string; item: Omit<CollectionRequest, 'folder'>[] }[];
  event: ScriptEvent[];
  variable: { key: string; value: string }[];
}

export interface Environment {
  name: string;
  values: { key: string; value: string; type: string; enabled: boolean }[];
  _postman_variable_scope: string;
}

export function loadCollection(): Collection {
  return JSON.parse(readFileSync(COLLECTION_FILE, 'utf8'));
}

export function loadEnvironment(target: Target): Environment {
  return JSON.parse(readFileSync(ENVIRONMENT_FILES[target], 'utf8'));
}

export function requestsOf(collection: Collection): CollectionRequest[] {
  return collection.item.flatMap((folder) => folder.item.map((item) => ({ ...item, folder: folder.name })));
}

export function scriptOf(events: ScriptEvent[], listen: ScriptEvent['listen']): string {
  return events
    .filter((event) => event.listen === listen)
    .map((event) => event.script.exec.join('\n'))
    .join('\n');
}
