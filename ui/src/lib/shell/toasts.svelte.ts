/**
 * Short-lived messages under the event list: a job's outcome, a
 * push's summary, an error that has no better place. Successes fade after
 * a while; failures stay until closed, so none is missed.
 */

export type ToastOutcome = 'done' | 'cancelled' | 'failed';

export interface Toast {
  id: number;
  outcome: ToastOutcome;
  title: string;
  lines: string[];
}

const LINGER_MS = 8000;

export class Toasts {
  list = $state<Toast[]>([]);
  private next = 1;

  show(outcome: ToastOutcome, title: string, lines: string[] = []): Toast {
    const toast = { id: this.next++, outcome, title, lines };
    this.list.push(toast);
    if (outcome !== 'failed') setTimeout(() => this.dismiss(toast.id), LINGER_MS);
    return toast;
  }

  dismiss(id: number): void {
    const index = this.list.findIndex((t) => t.id === id);
    if (index !== -1) this.list.splice(index, 1);
  }
}
