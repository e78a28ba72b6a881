/**
 * Small DOM helpers for the shell's component tests: find by `data-testid`,
 * type, pick, click, and let promises and effects run.
 */

import { flushSync, tick } from 'svelte';

/** Lets every pending promise and effect run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 6; i += 1) {
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  flushSync();
}

export const all = (root: ParentNode, testId: string): HTMLElement[] =>
  Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`));

/** The one element with `testId`; throws when there are none or several. */
export function one(root: ParentNode, testId: string): HTMLElement {
  const found = all(root, testId);
  if (found.length !== 1) throw new Error(`expected one [data-testid="${testId}"], found ${found.length}`);
  return found[0]!;
}

export async function type(input: HTMLElement, value: string): Promise<void> {
  (input as HTMLInputElement).value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await settle();
}

export async function choose(select: HTMLElement, value: string): Promise<void> {
  (select as HTMLSelectElement).value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await settle();
}

export async function click(el: HTMLElement): Promise<void> {
  el.click();
  await settle();
}
