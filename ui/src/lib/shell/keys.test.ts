// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';

import { isTyping, shellCommand } from './keys';

const key = (key: string, mods: Partial<KeyboardEvent> = {}, target: EventTarget | null = document.body) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  target,
  ...mods,
});

describe('shellCommand', () => {
  it('maps Ctrl (or ⌘) shortcuts to shell commands', () => {
    expect(shellCommand(key('i', { ctrlKey: true }))).toBe('import-folder');
    expect(shellCommand(key('o', { metaKey: true }))).toBe('import-files');
    expect(shellCommand(key('S', { ctrlKey: true, shiftKey: true }))).toBe('sync');
  });

  it('leaves plain keys and other combinations to the library', () => {
    for (const k of ['p', 'x', 'ArrowLeft', ' ', '1', 'i', 's']) {
      expect(shellCommand(key(k)), k).toBeNull();
    }
    expect(shellCommand(key('s', { ctrlKey: true }))).toBeNull();
    expect(shellCommand(key('I', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shellCommand(key('z', { ctrlKey: true }))).toBeNull();
    expect(shellCommand(key('i', { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it('does nothing while the organizer types', () => {
    const input = document.createElement('input');
    expect(shellCommand(key('i', { ctrlKey: true }, input))).toBeNull();
  });
});

describe('isTyping', () => {
  it('knows fields from other elements', () => {
    const field = (tag: string) => document.createElement(tag);
    expect(isTyping(field('input'))).toBe(true);
    expect(isTyping(field('textarea'))).toBe(true);
    expect(isTyping(field('select'))).toBe(true);
    const editable = field('div');
    editable.setAttribute('contenteditable', 'true');
    document.body.append(editable);
    const inside = field('span');
    editable.append(inside);
    expect(isTyping(inside)).toBe(true);
    expect(isTyping(field('button'))).toBe(false);
    expect(isTyping(null)).toBe(false);
    expect(isTyping(window)).toBe(false);
  });
});
