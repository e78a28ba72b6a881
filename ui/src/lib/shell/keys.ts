/**
 * The shell's keyboard shortcuts. The library view owns plain keys (P, X,
 * arrows, digits…), so every shell shortcut needs Ctrl (⌘ on macOS), and
 * none fires while the organizer types in a field.
 */

export type ShellCommand = 'import-folder' | 'import-files' | 'sync';

type Keys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target'>;

/** The command a key press asks for, or null to leave it to whoever else listens. */
export function shellCommand(e: Keys): ShellCommand | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey || isTyping(e.target)) return null;
  const key = e.key.toLowerCase();
  if (key === 'i' && !e.shiftKey) return 'import-folder';
  // Not Ctrl+Shift+I: debug builds open the web inspector with it.
  if (key === 'o' && !e.shiftKey) return 'import-files';
  if (key === 's' && e.shiftKey) return 'sync';
  return null;
}

/** True for text fields, selects and editable content, where keys are text. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return element.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]') !== null;
}
