/**
 * The library's keyboard: which key does what. One table serves both the
 * key handler (`actionFor`) and the help overlay (`KEYMAP`), so the help
 * can never list a key that does not work.
 */

import type { Flag } from '../bindings/Flag';
import type { Moderation } from '../bindings/Moderation';
import type { MessageKey } from '../i18n/index.svelte';
import type { Direction } from './navigation';

export type Action =
  | { type: 'flag'; value: Flag }
  | { type: 'rating'; value: number }
  | { type: 'moderate'; value: Moderation }
  | { type: 'favorite'; value?: boolean }
  | { type: 'move'; direction: Direction; extend: boolean }
  | { type: 'reorder'; delta: -1 | 1 }
  | { type: 'loupe' }
  | { type: 'compare' }
  | { type: 'undo' }
  | { type: 'selectAll' }
  | { type: 'help' }
  | { type: 'escape' };

/** The actions that change items: from a key or the bulk bar. `favorite` without a value toggles. */
export type Decision = Extract<Action, { type: 'flag' | 'rating' | 'moderate' | 'favorite' }>;

/** Decisions are the actions that change an item (measured, auto-advanced). */
export function isDecision(action: Action): action is Decision {
  return (
    action.type === 'flag' ||
    action.type === 'rating' ||
    action.type === 'moderate' ||
    action.type === 'favorite'
  );
}

/** The part of a KeyboardEvent the keymap reads. */
export interface KeyInput {
  key: string;
  /** The physical key: digits are found by it on layouts where they need Shift (AZERTY). */
  code?: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
}

export interface Binding {
  /** How the help overlay shows the keys; `library.key.*` names are translated. */
  keys: readonly (string | MessageKey)[];
  /** What the key does, for the help overlay. */
  help: MessageKey;
  /** Whether this key is one of `keys` (modifiers included). */
  test: (input: KeyInput) => boolean;
  action: (input: KeyInput) => Action;
}

const command = (input: KeyInput) => Boolean(input.ctrlKey || input.metaKey);
const plain = (input: KeyInput) => !command(input) && !input.altKey;
const letter = (input: KeyInput, ch: string) => plain(input) && input.key.toLowerCase() === ch;

/** 0–5 from the key, else from the digit row or keypad (French layouts type "à&é\"'(" there). */
function digit(input: KeyInput): number | null {
  if (/^[0-5]$/.test(input.key)) return Number(input.key);
  const match = /^(?:Digit|Numpad)([0-5])$/.exec(input.code ?? '');
  // Not when the key is a culling letter or another digit of its own.
  if (match && !/^[a-z6-9]$/i.test(input.key)) return Number(match[1]);
  return null;
}

const ARROWS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

export const KEYMAP: readonly Binding[] = [
  {
    keys: ['P'],
    help: 'library.help.pick',
    test: (i) => letter(i, 'p'),
    action: () => ({ type: 'flag', value: 'picked' }),
  },
  {
    keys: ['X'],
    help: 'library.help.reject',
    test: (i) => letter(i, 'x'),
    action: () => ({ type: 'flag', value: 'rejected' }),
  },
  {
    keys: ['U'],
    help: 'library.help.unflag',
    test: (i) => letter(i, 'u'),
    action: () => ({ type: 'flag', value: 'none' }),
  },
  {
    keys: ['0', '–', '5'],
    help: 'library.help.rating',
    test: (i) => plain(i) && digit(i) !== null,
    action: (i) => ({ type: 'rating', value: digit(i) ?? 0 }),
  },
  {
    keys: ['A'],
    help: 'library.help.approve',
    test: (i) => letter(i, 'a'),
    action: () => ({ type: 'moderate', value: 'approve' }),
  },
  {
    keys: ['H'],
    help: 'library.help.hide',
    test: (i) => letter(i, 'h'),
    action: () => ({ type: 'moderate', value: 'hide' }),
  },
  {
    keys: ['library.key.delete', 'library.key.backspace'],
    help: 'library.help.delete',
    test: (i) => plain(i) && (i.key === 'Delete' || i.key === 'Backspace'),
    action: () => ({ type: 'moderate', value: 'delete' }),
  },
  {
    keys: ['R'],
    help: 'library.help.restore',
    test: (i) => letter(i, 'r'),
    action: () => ({ type: 'moderate', value: 'restore' }),
  },
  {
    keys: ['F'],
    help: 'library.help.favorite',
    test: (i) => letter(i, 'f'),
    action: () => ({ type: 'favorite' }),
  },
  {
    keys: ['←', '→', '↑', '↓'],
    help: 'library.help.move',
    test: (i) => plain(i) && !i.shiftKey && i.key in ARROWS,
    action: (i) => ({ type: 'move', direction: ARROWS[i.key] ?? 'right', extend: false }),
  },
  {
    keys: ['library.key.shift', '←', '→', '↑', '↓'],
    help: 'library.help.extend',
    test: (i) => plain(i) && Boolean(i.shiftKey) && i.key in ARROWS,
    action: (i) => ({ type: 'move', direction: ARROWS[i.key] ?? 'right', extend: true }),
  },
  {
    keys: ['library.key.alt', '←', '→'],
    help: 'library.help.reorder',
    test: (i) =>
      Boolean(i.altKey) && !command(i) && (i.key === 'ArrowLeft' || i.key === 'ArrowRight'),
    action: (i) => ({ type: 'reorder', delta: i.key === 'ArrowLeft' ? -1 : 1 }),
  },
  {
    keys: ['library.key.space', 'library.key.enter'],
    help: 'library.help.loupe',
    test: (i) => plain(i) && (i.key === ' ' || i.key === 'Enter'),
    action: () => ({ type: 'loupe' }),
  },
  {
    keys: ['C'],
    help: 'library.help.compare',
    test: (i) => letter(i, 'c'),
    action: () => ({ type: 'compare' }),
  },
  {
    keys: ['library.key.ctrl', 'A'],
    help: 'library.help.selectAll',
    test: (i) => command(i) && !i.altKey && i.key.toLowerCase() === 'a',
    action: () => ({ type: 'selectAll' }),
  },
  {
    keys: ['library.key.ctrl', 'Z'],
    help: 'library.help.undo',
    test: (i) => command(i) && !i.altKey && !i.shiftKey && i.key.toLowerCase() === 'z',
    action: () => ({ type: 'undo' }),
  },
  {
    keys: ['?'],
    help: 'library.help.help',
    test: (i) => !command(i) && i.key === '?',
    action: () => ({ type: 'help' }),
  },
  {
    keys: ['library.key.escape'],
    help: 'library.help.escape',
    test: (i) => i.key === 'Escape',
    action: () => ({ type: 'escape' }),
  },
];

/** The action of a key press, or null when the library has no use for it. */
export function actionFor(input: KeyInput): Action | null {
  for (const binding of KEYMAP) {
    if (binding.test(input)) return binding.action(input);
  }
  return null;
}

/**
 * Whether the key belongs to the element that has focus rather than to the
 * library: typing in a text field, choosing in a list, and Space/Enter on a
 * button or checkbox (which press it).
 */
export function belongsToTarget(key: string, target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target instanceof HTMLElement && target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA') return true;
  // A list keeps its keys (arrows, type-ahead), but Esc leads back to the grid.
  if (tag === 'SELECT') return key !== 'Escape';
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    if (type === 'checkbox' || type === 'radio' || type === 'button') {
      return key === ' ' || key === 'Enter';
    }
    if (type === 'range') return key.startsWith('Arrow') || key === 'Home' || key === 'End';
    return true;
  }
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY') {
    return key === ' ' || key === 'Enter';
  }
  return false;
}
