/**
 * The check page: reads the signature, posts it to the API named in /config.json, shows the answer in
 * an aria-live region. Compiled and fingerprinted by the build (esbuild); no framework, no other host.
 */
import {
  normaliseSignature,
  type ResultView,
  viewForMissingApi,
  viewForNetworkError,
  viewForResponse,
} from './check-result';
import { postSignature } from './post-signature';
import { CONFIG_PATH, checkUrlOf, parseSiteConfig, type SiteConfig } from './site-config';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`check page: #${id} is missing from the HTML`);
  return found as T;
}

async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch(CONFIG_PATH, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${CONFIG_PATH} answered ${response.status}`);
  return parseSiteConfig(await response.json());
}

function add<K extends keyof HTMLElementTagNameMap>(
  parent: HTMLElement,
  tag: K,
  content?: string,
): HTMLElementTagNameMap[K] {
  const child = document.createElement(tag);
  // textContent, never innerHTML: the decoded bill comes from whoever made the signature.
  if (content !== undefined) child.textContent = content;
  parent.append(child);
  return child;
}

/** An email that a narrow screen may wrap only after its "@", "." and "-" (a <wbr> there), never mid-word. */
function addEmail(parent: HTMLElement, tag: 'dd', email: string): void {
  const child = add(parent, tag);
  for (const part of email.split(/(?<=[@.-])/)) {
    if (child.childNodes.length > 0) child.append(document.createElement('wbr'));
    child.append(document.createTextNode(part));
  }
}

function render(region: HTMLElement, view: ResultView): void {
  region.replaceChildren();
  region.className = `result ${view.kind === 'authentic' ? 'result-ok' : view.kind === 'not-authentic' ? 'result-bad' : 'result-error'}`;
  add(region, 'h2', view.title);
  if (view.kind === 'authentic') {
    add(region, 'p', 'This bill was issued by 5€ pour rien.');
    const list = add(region, 'dl');
    const rows: [string, string][] = [
      ['Email', view.email],
      ['Bill number', view.billNumber],
      ['Signature', view.scheme],
    ];
    if (view.expires) rows.push(['Valid until', view.expires]);
    for (const [term, value] of rows) {
      add(list, 'dt', term);
      if (term === 'Email') addEmail(list, 'dd', value);
      else add(list, 'dd', value);
    }
    if (view.caution) add(region, 'p', view.caution).className = 'caution';
    return;
  }
  if (view.kind === 'not-authentic') {
    if (view.detail) add(region, 'p', view.detail);
    add(region, 'p', view.next);
    return;
  }
  add(region, 'p', view.detail);
}

function main(): void {
  const form = element<HTMLFormElement>('check-form');
  const input = element<HTMLTextAreaElement>('signature');
  const button = element<HTMLButtonElement>('check-button');
  const region = element<HTMLDivElement>('result');
  const config = loadConfig();
  config.catch(() => undefined); // reported when the learner presses Check
  let busy = false;

  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const signature = normaliseSignature(input.value);
    if (signature.length === 0) {
      input.setAttribute('aria-invalid', 'true');
      render(region, {
        kind: 'error',
        title: 'Paste a signature first',
        detail: 'The box is empty: copy the signature from your bill and paste it there.',
      });
      input.focus();
      return;
    }
    busy = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = 'Checking…';
    region.replaceChildren();
    let view: ResultView;
    let checkUrl = '';
    try {
      const { apiBaseUrl } = await config;
      if (apiBaseUrl === null) {
        view = viewForMissingApi();
      } else {
        checkUrl = checkUrlOf(apiBaseUrl);
        const answer = await postSignature(checkUrl, signature);
        view = viewForResponse(answer.status, answer.body);
      }
    } catch {
      view = checkUrl
        ? viewForNetworkError(checkUrl, window.location.origin)
        : { kind: 'error', title: 'The page could not load its settings', detail: 'Reload the page.' };
    }
    render(region, view);
    button.removeAttribute('aria-busy');
    button.textContent = 'Check';
    busy = false;
  });
}

main();
