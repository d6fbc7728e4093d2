import { pageCount } from './format.js';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Builds an element; text always goes in as text nodes, so API data can never inject markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything inside `parent`. */
export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A region that announces a message: an error (role alert) or a neutral status. */
export function notice(kind: 'error' | 'info' | 'success', text: string): HTMLElement {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/**
 * Previous/next buttons around "Page p of n · t things" for a paged list; `go(page)` loads another page.
 * The caption carries `testId` so that tests can find it.
 */
export function pagerControls(
  result: { page: number; total: number; limit: number },
  fallbackLimit: number,
  noun: string,
  go: (page: number) => void,
  testId?: string,
): HTMLElement[] {
  const pages = pageCount(result.total, result.limit || fallbackLimit);
  return [
    h('button', { type: 'button', disabled: result.page <= 1, onclick: () => go(result.page - 1) }, '‹ Previous'),
    h('span', { 'data-testid': testId }, `Page ${result.page} of ${pages} · ${result.total} ${noun}${result.total === 1 ? '' : 's'}`),
    h('button', { type: 'button', disabled: result.page >= pages, onclick: () => go(result.page + 1) }, 'Next ›'),
  ];
}

let ids = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix: string): string {
  return `${prefix}-${++ids}`;
}

/** A labelled form field (label above control). */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement): HTMLElement {
  if (!control.id) control.id = uid('f');
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/**
 * Listens with an async handler. Handlers show their own errors in the page; anything that still escapes is
 * written to the console, never left as an unhandled rejection.
 */
export function onEvent(target: EventTarget, type: string, handler: (event: Event) => Promise<void>): void {
  target.addEventListener(type, (event) => {
    handler(event).catch((err: unknown) => console.error(err));
  });
}
