/**
 * A header button's drop-down panel: a disclosure rather than an ARIA menu
 * (it holds a few plain buttons). Its button opens and closes it; a click
 * outside closes it, and so does Escape, which puts the focus back on the
 * button. The component binds `root` (the button and panel's container) and
 * `trigger`, listens for window clicks with `onwindowclick` and for keys on
 * `root` with `onkeydown`.
 */
export class Disclosure {
  open = $state(false);
  root: HTMLElement | undefined = $state();
  trigger: HTMLButtonElement | undefined = $state();

  toggle = (): void => {
    this.open = !this.open;
  };

  close = (): void => {
    this.open = false;
  };

  onwindowclick = (e: MouseEvent): void => {
    if (this.open && this.root && !this.root.contains(e.target as Node)) this.open = false;
  };

  onkeydown = (e: KeyboardEvent): void => {
    if (this.open && e.key === 'Escape') {
      e.stopPropagation();
      this.open = false;
      this.trigger?.focus();
    }
  };
}
