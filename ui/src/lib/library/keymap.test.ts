// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';

import { translate } from '../i18n/index.svelte';
import { KEYMAP, actionFor, belongsToTarget, isDecision } from './keymap';

describe('keymap', () => {
  it('maps the culling letters to decisions, in either case', () => {
    expect(actionFor({ key: 'p' })).toEqual({ type: 'flag', value: 'picked' });
    expect(actionFor({ key: 'X' })).toEqual({ type: 'flag', value: 'rejected' });
    expect(actionFor({ key: 'u' })).toEqual({ type: 'flag', value: 'none' });
    expect(actionFor({ key: 'a' })).toEqual({ type: 'moderate', value: 'approve' });
    expect(actionFor({ key: 'h' })).toEqual({ type: 'moderate', value: 'hide' });
    expect(actionFor({ key: 'r' })).toEqual({ type: 'moderate', value: 'restore' });
    expect(actionFor({ key: 'f' })).toEqual({ type: 'favorite' });
  });

  it('rates with the digits 0 to 5 only', () => {
    expect(actionFor({ key: '0' })).toEqual({ type: 'rating', value: 0 });
    expect(actionFor({ key: '5' })).toEqual({ type: 'rating', value: 5 });
    expect(actionFor({ key: '6' })).toBeNull();
  });

  it('rates from the digit row of a French keyboard, where digits need Shift', () => {
    expect(actionFor({ key: '&', code: 'Digit1' })).toEqual({ type: 'rating', value: 1 });
    expect(actionFor({ key: 'à', code: 'Digit0' })).toEqual({ type: 'rating', value: 0 });
    expect(actionFor({ key: '(', code: 'Digit5' })).toEqual({ type: 'rating', value: 5 });
    expect(actionFor({ key: '-', code: 'Digit6' })).toBeNull();
  });

  it('sends Delete and Backspace to the trash', () => {
    expect(actionFor({ key: 'Delete' })).toEqual({ type: 'moderate', value: 'delete' });
    expect(actionFor({ key: 'Backspace' })).toEqual({ type: 'moderate', value: 'delete' });
  });

  it('moves with the arrows, extends with shift and reorders with alt', () => {
    expect(actionFor({ key: 'ArrowDown' })).toEqual({ type: 'move', direction: 'down', extend: false });
    expect(actionFor({ key: 'ArrowLeft', shiftKey: true })).toEqual({
      type: 'move',
      direction: 'left',
      extend: true,
    });
    expect(actionFor({ key: 'ArrowRight', altKey: true })).toEqual({ type: 'reorder', delta: 1 });
    expect(actionFor({ key: 'ArrowUp', altKey: true })).toBeNull();
  });

  it('undoes and selects all with Ctrl or Cmd, not with the bare letter', () => {
    expect(actionFor({ key: 'z', ctrlKey: true })).toEqual({ type: 'undo' });
    expect(actionFor({ key: 'z', metaKey: true })).toEqual({ type: 'undo' });
    expect(actionFor({ key: 'a', metaKey: true })).toEqual({ type: 'selectAll' });
    expect(actionFor({ key: 'z' })).toBeNull();
    expect(actionFor({ key: 'p', ctrlKey: true })).toBeNull();
  });

  it('opens the loupe with Space or Enter, compares with C, helps with ? and closes with Esc', () => {
    expect(actionFor({ key: ' ' })).toEqual({ type: 'loupe' });
    expect(actionFor({ key: 'Enter' })).toEqual({ type: 'loupe' });
    expect(actionFor({ key: 'c' })).toEqual({ type: 'compare' });
    expect(actionFor({ key: '?', shiftKey: true })).toEqual({ type: 'help' });
    expect(actionFor({ key: 'Escape' })).toEqual({ type: 'escape' });
  });

  it('tells decisions from navigation', () => {
    expect(isDecision({ type: 'favorite' })).toBe(true);
    expect(isDecision({ type: 'loupe' })).toBe(false);
  });

  it('gives every key a help text in both languages', () => {
    for (const binding of KEYMAP) {
      expect(translate('en', binding.help)).not.toBe(binding.help);
      expect(translate('fr', binding.help)).not.toBe(binding.help);
    }
  });
});

describe('belongsToTarget', () => {
  // `<tag type="…">` or `<tag tabindex="0">` as an element.
  const el = (html: string) => {
    const [, tag = 'div', type] = /^<(\w+)(?: type="(\w+)")?/.exec(html) ?? [];
    const element = document.createElement(tag);
    if (type) element.setAttribute('type', type);
    return element;
  };

  it('leaves every key to text fields and lists', () => {
    expect(belongsToTarget('p', el('<input type="text">'))).toBe(true);
    expect(belongsToTarget('p', el('<input type="search">'))).toBe(true);
    expect(belongsToTarget('ArrowDown', el('<select></select>'))).toBe(true);
    expect(belongsToTarget('x', el('<textarea></textarea>'))).toBe(true);
    expect(belongsToTarget('Escape', el('<select></select>'))).toBe(false);
  });

  it('leaves only Space and Enter to buttons and checkboxes', () => {
    expect(belongsToTarget(' ', el('<button></button>'))).toBe(true);
    expect(belongsToTarget('p', el('<button></button>'))).toBe(false);
    expect(belongsToTarget(' ', el('<input type="checkbox">'))).toBe(true);
    expect(belongsToTarget('x', el('<input type="checkbox">'))).toBe(false);
  });

  it('keeps keys on the grid and the page', () => {
    expect(belongsToTarget('p', el('<div tabindex="0"></div>'))).toBe(false);
    expect(belongsToTarget('p', null)).toBe(false);
  });
});
