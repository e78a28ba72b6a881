/**
 * What the dialogs do around an API call: a form's submit runs the action
 * instead of the browser's submit, and the call runs with its dialog's busy
 * flag on (off again however it ends), a refusal handed over as an IpcError.
 */
import { toIpcError } from '../api';
import type { IpcError } from '../bindings/IpcError';

/** A form's `onsubmit` that runs `action` instead of submitting the page. */
export function submitWith(action: () => Promise<void>): (e: SubmitEvent) => void {
  return (e) => {
    e.preventDefault();
    void action();
  };
}

/** Runs `call` with `busy(true)` before and `busy(false)` after; what it throws goes to `onerror`. */
export async function whileBusy(
  busy: (on: boolean) => void,
  call: () => Promise<void>,
  onerror: (error: IpcError) => void,
): Promise<void> {
  busy(true);
  try {
    await call();
  } catch (error) {
    onerror(toIpcError(error));
  } finally {
    busy(false);
  }
}
