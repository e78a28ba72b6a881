// @vitest-environment jsdom
/**
 * The app shell, mounted with a fake `KliktApi` and platform. The library
 * view is stubbed (it has its own tests): these test the shell alone.
 */
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

import type { JobFinished } from './lib/bindings/JobFinished';
import type { JobProgress } from './lib/bindings/JobProgress';
import type { SlideshowSettings } from './lib/bindings/SlideshowSettings';
import { setLocale } from './lib/i18n/index.svelte';
import { appShell } from './lib/shell/testing/app';
import { all, click, one, settle } from './lib/shell/testing/dom';
import {
  ACCOUNT,
  fakeApi,
  localEvent,
  remoteEvent,
  slideshowSettings,
  syncStatus,
  type Fake,
} from './lib/shell/testing/fakeApi';

vi.mock('./lib/library/LibraryView.svelte', async () => import('./lib/shell/testing/LibraryStub.svelte'));

const { show, close } = appShell();

async function type(input: HTMLElement, value: string) {
  (input as HTMLInputElement).value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await tick();
}

function progress(overrides: Partial<JobProgress> = {}): JobProgress {
  return {
    job: 1,
    kind: 'import',
    phase: 'files',
    done: 0,
    total: 0,
    bytes_done: 0,
    bytes_total: 0,
    current: null,
    elapsed_ms: 0,
    ...overrides,
  };
}

function finished(overrides: Partial<JobFinished> = {}): JobFinished {
  return {
    job: 1,
    kind: 'import',
    outcome: 'done',
    event_id: null,
    report: null,
    error: null,
    elapsed_ms: 1200,
    ...overrides,
  };
}

describe('start-up', () => {
  it('greets a new organizer with sign-in and the demo', async () => {
    const fake = fakeApi();
    const root = await show(fake);

    expect(all(root, 'welcome')).toHaveLength(1);
    expect(all(root, 'signin-form')).toHaveLength(1);
    expect(one(root, 'demo-start').textContent).toContain('Try the demo event');
    expect((one(root, 'signin-password') as HTMLInputElement).type).toBe('password');
  });

  it('follows the OS language, and the browser’s when the OS cannot say', async () => {
    let root = await show(fakeApi({ osLocale: 'fr-FR' }));
    expect(one(root, 'demo-start').textContent).toContain('Essayer l’événement de démonstration');
    close();
    localStorage.clear();

    vi.spyOn(navigator, 'language', 'get').mockReturnValue('fr-CA');
    root = await show(fakeApi({}, { osLocale: () => Promise.reject({ code: 'internal', message: 'no' }) }));
    expect(one(root, 'demo-start').textContent).toContain('démonstration');
  });

  it('opens on the events when signed out with local events, offering to sign in', async () => {
    const root = await show(fakeApi({ events: [localEvent(1, 'Wedding')] }));

    expect(all(root, 'welcome')).toHaveLength(0);
    expect(all(root, 'event-row').map((el) => el.dataset.eventName)).toEqual(['Wedding']);
    expect(one(root, 'event-count').textContent).toBe('0');
    expect(one(root, 'library-view').dataset.eventId).toBe('1');
    await click(one(root, 'signin-open'));
    expect(all(root, 'signin-form')).toHaveLength(1);
  });

  it('tells a signed-in organizer with an empty library how to fill it', async () => {
    const fake = fakeApi({ account: ACCOUNT });
    fake.picks.folder = '/photos/Party';
    const root = await show(fake);

    expect(one(root, 'empty-state').textContent).toContain('Your library is empty');
    expect(one(root, 'event-list-empty').textContent).toBe('No events yet.');
    await click(one(root, 'empty-state').querySelector('button')!);
    expect((one(root, 'import-name') as HTMLInputElement).value).toBe('Party');
  });

  it('reopens the event that was open when the window closed', async () => {
    const events = [localEvent(2, 'Party'), localEvent(1, 'Wedding')];
    let root = await show(fakeApi({ events }));
    await click(all(root, 'event-row')[1]!);
    close();

    root = await show(fakeApi({ events }));
    expect(one(root, 'library-view').dataset.eventId).toBe('1');
  });

  it('shows a library error in words', async () => {
    const fake = fakeApi({}, {
      events: () => Promise.reject({ code: 'library_too_new', message: 'This library was made by a newer Klikt; update Klikt.' }),
    });
    const root = await show(fake);

    expect(one(root, 'error-message').textContent).toBe('This library was made by a newer Klikt; update Klikt.');
    expect(one(root, 'error').textContent).toContain('library_too_new');
  });
});

describe('signing in and out', () => {
  it('signs in and lists local and server events', async () => {
    const fake = fakeApi({
      events: [localEvent(1, 'Wedding', { remote_id: 'r1', pending_count: 3 })],
      remote: [remoteEvent('r1', 'Wedding', { local_id: 1 }), remoteEvent('r2', 'Birthday')],
    });
    const root = await show(fake);
    await click(one(root, 'signin-open'));

    await type(one(root, 'signin-server'), 'klikt.example/');
    await type(one(root, 'signin-email'), 'organizer@example.com');
    await type(one(root, 'signin-password'), 'hunter2');
    await click(one(root, 'signin-submit'));

    expect(fake.called('login')).toEqual([['https://klikt.example', 'organizer@example.com', 'hunter2']]);
    expect(all(root, 'signin-form')).toHaveLength(0);
    expect(one(root, 'account-menu').textContent).toContain('organizer@example.com');
    const row = one(root, 'event-row');
    expect(row.dataset.eventId).toBe('1');
    expect(row.dataset.pending).toBe('3');
    expect(all(root, 'remote-event-row').map((el) => el.dataset.remoteId)).toEqual(['r2']);
  });

  it('opens the library at once when the server is slow to answer', async () => {
    const fake = fakeApi(
      { account: ACCOUNT, events: [localEvent(1, 'Wedding')] },
      { remoteEvents: () => new Promise(() => {}) },
    );
    const root = await show(fake);

    expect(all(root, 'event-row')).toHaveLength(1);
    expect(one(root, 'library-view').dataset.eventId).toBe('1');
  });

  it('says when the server’s events cannot be listed, and keeps the local ones', async () => {
    const fake = fakeApi(
      { account: ACCOUNT, events: [localEvent(1, 'Wedding')] },
      { remoteEvents: () => Promise.reject({ code: 'remote', message: 'The server did not answer.' }) },
    );
    const root = await show(fake);

    expect(one(root, 'remote-error').textContent).toContain('The server did not answer.');
    expect(all(root, 'event-row')).toHaveLength(1);
  });

  it('shows a refused sign-in in words', async () => {
    const fake = fakeApi({}, {
      login: () => Promise.reject({ code: 'remote', message: 'Wrong email or password.' }),
    });
    const root = await show(fake);

    await type(one(root, 'signin-server'), 'https://klikt.example');
    await type(one(root, 'signin-email'), 'a@b.c');
    await type(one(root, 'signin-password'), 'nope');
    await click(one(root, 'signin-submit'));

    const error = one(root, 'signin-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toBe('Wrong email or password.');
    expect(all(root, 'welcome')).toHaveLength(1);
  });

  it('signs out from the account menu and keeps the local events', async () => {
    const fake = fakeApi({ account: ACCOUNT, events: [localEvent(1, 'Wedding')] });
    const root = await show(fake);

    await click(one(root, 'account-menu'));
    await click(one(root, 'signout'));

    expect(fake.called('logout')).toHaveLength(1);
    expect(all(root, 'account-menu')).toHaveLength(0);
    await click(one(root, 'signin-open'));
    expect((one(root, 'signin-server') as HTMLInputElement).value).toBe('https://klikt.example');
    expect(all(root, 'signin-open')).toHaveLength(1);
    expect(all(root, 'event-row')).toHaveLength(1);
  });
});

describe('the demo', () => {
  it('starts the demo server, pulls its event and opens it when the pull ends', async () => {
    const fake = fakeApi();
    const root = await show(fake);

    await click(one(root, 'demo-start'));

    expect(fake.called('startDemo')).toHaveLength(1);
    expect(fake.called('startPull')).toEqual([['demo-1']]);
    expect(one(root, 'job-progress').dataset.jobKind).toBe('pull');

    fake.state.events = [localEvent(1, 'Older event'), localEvent(7, 'Demo wedding', { remote_id: 'demo-1' })];
    fake.emitFinished(finished({ job: 1, kind: 'pull', event_id: 7 }));
    await settle();

    expect(all(root, 'job-progress')).toHaveLength(0);
    expect(one(root, 'library-view').dataset.eventId).toBe('7');
    expect(root.querySelector('[data-testid="event-row"][aria-current="true"]')?.getAttribute('data-event-id')).toBe('7');
  });

  it('says why the demo could not start', async () => {
    const fake = fakeApi({}, {
      startDemo: () => Promise.reject({ code: 'internal', message: 'The demo server could not start.' }),
    });
    const root = await show(fake);

    await click(one(root, 'demo-start'));

    expect(one(root, 'demo-error').textContent).toBe('The demo server could not start.');
  });
});

describe('languages', () => {
  it('re-renders every string when the organizer switches to French', async () => {
    const root = await show(fakeApi({ account: ACCOUNT, events: [localEvent(1, 'Wedding', { media_count: 2 })] }));
    expect(one(root, 'import-folder').textContent?.trim()).toBe('Import photos…');
    expect(one(root, 'event-row').textContent).toContain('2 items');
    expect(one(root, 'event-title').textContent).toBe('Wedding');

    const select = one(root, 'language-select') as HTMLSelectElement;
    select.value = 'fr';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();

    expect(one(root, 'import-folder').textContent?.trim()).toBe('Importer des photos…');
    expect(one(root, 'event-row').textContent).toContain('2 éléments');
    expect(one(root, 'event-meta').textContent).toContain('créé le 12 mai 2026');
    expect(root.querySelector('#events-heading')?.textContent).toBe('Événements');
    expect(localStorage.getItem('klikt.locale')).toBe('fr');
    expect(document.documentElement.lang).toBe('fr');
  });
});

describe('event list', () => {
  it('renders hostile event names as text, never as markup', async () => {
    const hostile = '<img src=x onerror=alert(1)><b>bold</b>';
    const root = await show(
      fakeApi({
        account: ACCOUNT,
        events: [localEvent(1, hostile)],
        remote: [remoteEvent('r9', hostile)],
      }),
    );

    expect(root.querySelectorAll('img, b')).toHaveLength(0);
    expect(one(root, 'event-name').textContent).toBe(hostile);
    expect(one(root, 'event-row').dataset.eventName).toBe(hostile);
    expect(one(root, 'remote-event-row').textContent).toContain(hostile);
  });

  it('warns as the server’s deletion of an event nears, and says when uploads have closed', async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000 + 3_600_000).toISOString();
    const root = await show(
      fakeApi({
        events: [
          localEvent(1, 'Soon', { remote_id: 'a', expires_at: inDays(-25), backup_until: inDays(5) }),
          // Uploads close in 2 days; the originals stay 38 days more.
          localEvent(2, 'Later', { remote_id: 'b', expires_at: inDays(2), backup_until: inDays(40) }),
          localEvent(3, 'Closed', { remote_id: 'c', server_state: 'expired', backup_until: inDays(20) }),
          localEvent(4, 'Deleted', { remote_id: 'e', server_state: 'expired', backup_until: inDays(-3) }),
          localEvent(5, 'Gone', { remote_id: 'd', server_state: 'gone' }),
        ],
      }),
    );

    const levels = all(root, 'expiry').map((el) => [el.closest('[data-event-name]')?.getAttribute('data-event-name'), el.dataset.level]);
    expect(levels).toEqual([
      ['Soon', '7'],
      ['Later', 'none'],
      ['Closed', 'none'],
      ['Deleted', 'expired'],
    ]);
    expect(all(root, 'expiry')[0]?.textContent).toContain('Deleted from the server in 5 days');
    const closed = all(root, 'uploads-closed').map((el) => el.closest('[data-event-name]')?.getAttribute('data-event-name'));
    expect(closed).toEqual(['Soon', 'Closed']);
    expect(one(root, 'server-state').textContent).toBe('Gone from the server');
  });

  it('pulls an event that is only on the server', async () => {
    const fake = fakeApi({ account: ACCOUNT, remote: [remoteEvent('r2', 'Birthday')] });
    const root = await show(fake);

    const row = one(root, 'remote-event-row');
    await click(one(row, 'pull-remote'));

    expect(fake.called('startPull')).toEqual([['r2']]);
    expect((one(row, 'pull-remote') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps the open event when the list refreshes', async () => {
    const fake = fakeApi({ events: [localEvent(2, 'Party'), localEvent(1, 'Wedding')] });
    const root = await show(fake);
    await click(all(root, 'event-row')[1]!);
    expect(one(root, 'library-view').dataset.eventId).toBe('1');

    fake.state.events = [localEvent(3, 'New'), localEvent(2, 'Party'), localEvent(1, 'Wedding')];
    await click(one(root, 'library-change'));

    expect(all(root, 'event-row')).toHaveLength(3);
    expect(one(root, 'library-view').dataset.eventId).toBe('1');
  });
});

describe('sync panel', () => {
  const linked = () =>
    fakeApi({
      account: ACCOUNT,
      events: [localEvent(1, 'Wedding', { remote_id: 'r1' })],
      sync: {
        1: syncStatus(1, {
          pending: 4,
          last_pulled_at: new Date(Date.now() - 5 * 60_000).toISOString(),
          conflicts: [
            { target: 'media', item_id: 12, remote_id: 'm12', wanted: 'approve', server_status: 'hidden', recorded_at: '2026-05-12T10:00:00Z' },
          ],
          dead: [
            {
              item_id: 13, remote_id: 'm13', action: 'hide', base_version: 1, state: 'dead', sent: true,
              attempts: 1, last_error: null, dead_reason: 'The event has ended.', created_at: '2026-05-12T10:00:00Z',
            },
          ],
        }),
      },
    });

  it('shows the pending count, the last pull, conflicts and dead letters', async () => {
    const root = await show(linked());

    expect(one(root, 'sync-pending').textContent).toBe('4');
    expect(one(root, 'sync-last').textContent).toContain('Pulled 5 minutes ago');
    const conflict = one(root, 'conflict-row');
    expect(conflict.dataset.itemId).toBe('12');
    expect(conflict.textContent).toContain('you chose “Approve”, the server has “hidden”');
    expect(one(root, 'dead-row').textContent).toContain('The event has ended.');
  });

  it('re-decides a conflict in one click with the action the organizer wanted', async () => {
    const fake = linked();
    const root = await show(fake);
    const before = fake.called('syncStatus').length;

    await click(one(root, 'redecide'));

    expect(fake.called('moderate')).toEqual([[1, [12], 'approve']]);
    expect(one(root, 'toast').textContent).toContain('“Approve” goes to the server with the next push');
    expect(fake.called('syncStatus').length).toBeGreaterThan(before);
  });

  it("keeps the server's state for a conflict without deciding again", async () => {
    const fake = linked();
    const kept: unknown[][] = [];
    fake.api.keepServerState = async (...args) => {
      kept.push(args);
      return 1;
    };
    const root = await show(fake);
    const before = fake.called('syncStatus').length;

    await click(one(root, 'keep-server'));

    expect(kept).toEqual([[1, 'media', 12]]);
    expect(fake.called('moderate')).toEqual([]);
    expect(fake.called('syncStatus').length).toBeGreaterThan(before);
  });

  it('pushes and tells what the server took', async () => {
    const fake = linked();
    fake.api.push = async () => ({ sent: 4, applied: 3, conflicts: 1, gone: 0, dead: 0, pending: 0 });
    const root = await show(fake);

    await click(one(root, 'push-button'));

    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('done');
    expect(toast.textContent).toContain('3 decisions taken by the server');
    expect(toast.textContent).toContain('1 conflict to look at');
  });

  it('pulls and syncs the open event as jobs', async () => {
    const fake = linked();
    const root = await show(fake);

    await click(one(root, 'pull-button'));
    expect(fake.called('startPull')).toEqual([[1]]);
    expect((one(root, 'sync-button') as HTMLButtonElement).disabled).toBe(true);

    fake.emitFinished(finished({ job: 1, kind: 'pull', event_id: 1 }));
    await settle();
    await click(one(root, 'sync-button'));
    expect(fake.called('startSync')).toEqual([[1]]);
  });

  it('offers no pull or push for an event the server no longer has', async () => {
    const root = await show(
      fakeApi({ account: ACCOUNT, events: [localEvent(1, 'Old party', { remote_id: 'r1', server_state: 'gone' })] }),
    );

    expect(one(root, 'sync-panel').textContent).toContain('The server no longer has this event');
    expect(all(root, 'pull-button')).toHaveLength(0);
    expect(all(root, 'push-button')).toHaveLength(0);
  });

  it('offers nothing to sync for an event only on this computer', async () => {
    const root = await show(fakeApi({ events: [localEvent(1, 'Card dump')] }));

    expect(one(root, 'sync-pending').textContent).toBe('0');
    expect(all(root, 'pull-button')).toHaveLength(0);
    expect(one(root, 'sync-last').textContent).toContain('only on this computer');
  });
});

describe('jobs', () => {
  it('shows progress with rate and time left, then a toast with the report', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    fake.picks.folder = '/home/me/Pictures/Wedding';
    const root = await show(fake);
    await click(one(root, 'import-folder'));
    await click(one(root, 'import-confirm'));

    fake.emitProgress(
      progress({ job: 1, done: 10, total: 40, bytes_done: 25_000_000, bytes_total: 100_000_000, elapsed_ms: 2_000, current: 'IMG_0010.jpg' }),
    );
    await settle();
    const job = one(root, 'job-progress');
    expect(job.dataset.jobKind).toBe('import');
    expect(job.textContent).toContain('10 of 40');
    expect(one(job, 'job-rate').textContent).toBe('13 MB/s · 6 s left');

    fake.emitFinished(
      finished({
        job: 1,
        event_id: 1,
        report: {
          kind: 'import',
          report: {
            event_id: 1, event_name: 'Wedding', event_created: false, imported: 38, duplicates: 1,
            rejected: [{ name: 'notes.txt', reason: 'Not a photo or a video.' }], without_preview: 0, cancelled: false,
          },
        },
      }),
    );
    await settle();

    expect(all(root, 'job-progress')).toHaveLength(0);
    const toast = one(root, 'toast');
    expect(toast.dataset.outcome).toBe('done');
    expect(toast.textContent).toContain('Imported into “Wedding”');
    expect(toast.textContent).toContain('38 photos and videos imported');
    expect(toast.textContent).toContain('1 duplicate skipped');
    expect(toast.textContent).toContain('notes.txt: Not a photo or a video.');
    expect(fake.platform.notifications).toHaveLength(0);
  });

  it('cancels a running job', async () => {
    const fake = fakeApi({ account: ACCOUNT, remote: [remoteEvent('r2', 'Birthday')] });
    const root = await show(fake);
    await click(one(root, 'pull-remote'));

    await click(one(root, 'job-cancel'));
    expect(fake.called('cancelJob')).toEqual([[1]]);

    fake.emitFinished(finished({ job: 1, kind: 'pull', outcome: 'cancelled' }));
    await settle();
    expect(one(root, 'toast').dataset.outcome).toBe('cancelled');
  });

  it('notifies the desktop when a job was long or the window is in the background', async () => {
    const fake = fakeApi({ account: ACCOUNT, remote: [remoteEvent('r2', 'Birthday'), remoteEvent('r3', 'Picnic')] });
    const root = await show(fake);
    const [first, second] = all(root, 'pull-remote');
    await click(first!);
    await click(second!);

    fake.emitFinished(finished({ job: 1, kind: 'pull', elapsed_ms: 60_000 }));
    fake.platform.focused = false;
    fake.emitFinished(
      finished({ job: 2, kind: 'pull', outcome: 'failed', error: { code: 'remote', message: 'The server did not answer.' } }),
    );
    await settle();

    expect(fake.platform.notifications.map((n) => n.title)).toEqual(['Pull finished', 'The pull failed']);
    expect(fake.platform.notifications[1]?.body).toBe('The server did not answer.');
    expect(all(root, 'toast').map((el) => el.dataset.outcome)).toEqual(['done', 'failed']);
  });

  it('reloads the open event after a job changed it, and only then', async () => {
    const fake = fakeApi({ account: ACCOUNT, events: [localEvent(1, 'Wedding', { remote_id: 'r1' })] });
    const root = await show(fake);
    const pullReport = (changes: number) => ({
      kind: 'pull' as const,
      report: {
        event_id: 1, event_name: 'Wedding', remote_id: 'r1', changes, downloaded: changes, bytes_downloaded: 0,
        reused: 0, purged: 0, messages: 0, failed: [], server_state: 'active', cancelled: false,
      },
    });
    const view = one(root, 'library-view');

    await click(one(root, 'pull-button'));
    fake.emitFinished(finished({ job: 1, kind: 'pull', event_id: 1, report: pullReport(0) }));
    await settle();
    expect(one(root, 'library-view')).toBe(view);

    await click(one(root, 'pull-button'));
    fake.emitFinished(finished({ job: 2, kind: 'pull', event_id: 1, report: pullReport(3) }));
    await settle();
    expect(one(root, 'library-view')).not.toBe(view);
    expect(one(root, 'library-view').dataset.eventId).toBe('1');
  });

  it('handles a job that ends before its start command returns', async () => {
    const fake = fakeApi({ account: ACCOUNT, remote: [remoteEvent('r2', 'Birthday')] });
    fake.api.startPull = async () => {
      fake.emitFinished(finished({ job: 42, kind: 'pull' }));
      return 42;
    };
    const root = await show(fake);

    await click(one(root, 'pull-remote'));

    expect(all(root, 'job-progress')).toHaveLength(0);
    expect(all(root, 'toast')).toHaveLength(1);
  });
});

describe('import', () => {
  it('imports files into the open event by default', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    fake.picks.files = ['/tmp/a.jpg', '/tmp/b.zip'];
    const root = await show(fake);

    await click(one(root, 'import-files'));
    expect((one(root, 'import-name') as HTMLInputElement).value).toBe('Wedding');
    await click(one(root, 'import-confirm'));

    expect(fake.called('startImport')).toEqual([[['/tmp/a.jpg', '/tmp/b.zip'], 'Wedding']]);
    expect(one(root, 'job-progress').dataset.jobKind).toBe('import');
  });

  it('names a folder import after the folder, and lets the organizer rename it', async () => {
    const fake = fakeApi({ account: ACCOUNT });
    fake.picks.folder = '/media/card/Summer party';
    const root = await show(fake);

    await click(one(root, 'import-folder'));
    const name = one(root, 'import-name');
    expect((name as HTMLInputElement).value).toBe('Summer party');
    await type(name, 'Summer party 2026');
    await click(one(root, 'import-confirm'));

    expect(fake.called('startImport')).toEqual([[['/media/card/Summer party'], 'Summer party 2026']]);
  });

  it('does nothing when the picker is cancelled', async () => {
    const fake = fakeApi({ account: ACCOUNT });
    const root = await show(fake);

    await click(one(root, 'import-folder'));

    expect(all(root, 'import-name')).toHaveLength(0);
  });
});

describe('keyboard', () => {
  /** Dispatches a key press; true when the shell took it (prevented its default). */
  const press = async (init: KeyboardEventInit, target: EventTarget = window) => {
    const event = new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...init });
    target.dispatchEvent(event);
    await settle();
    return event.defaultPrevented;
  };

  it('imports with Ctrl+I and leaves plain keys to the library', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    fake.picks.folder = '/photos/Wedding';
    const root = await show(fake);

    for (const key of ['p', 'x', 'ArrowRight', ' ', '3']) {
      expect(await press({ key }), key).toBe(false);
    }
    expect(await press({ key: 'z', ctrlKey: true })).toBe(false);
    expect(all(root, 'import-name')).toHaveLength(0);

    expect(await press({ key: 'i', ctrlKey: true })).toBe(true);
    expect(all(root, 'import-name')).toHaveLength(1);
  });

  it('syncs the open event with Ctrl+Shift+S', async () => {
    const fake = fakeApi({ account: ACCOUNT, events: [localEvent(1, 'Wedding', { remote_id: 'r1' })] });
    await show(fake);

    await press({ key: 'S', ctrlKey: true, shiftKey: true });

    expect(fake.called('startSync')).toEqual([[1]]);
  });

  it('ignores shortcuts typed in a field', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    fake.picks.folder = '/photos/Wedding';
    const root = await show(fake);
    const input = document.createElement('input');
    root.append(input);

    await press({ key: 'i', ctrlKey: true }, input);

    expect(all(root, 'import-name')).toHaveLength(0);
  });
});

describe('slideshow', () => {
  const wedding = (overrides: Parameters<typeof fakeApi>[1] = {}) =>
    fakeApi(
      {
        account: ACCOUNT,
        events: [localEvent(1, 'Wedding', { remote_id: 'r1' })],
        slideshow: { 1: slideshowSettings({ interval_seconds: 8, monitor: 'HDMI-1' }) },
      },
      {
        collections: async () => [
          { id: 4, event_id: 1, name: 'First dance', created_at: '2026-05-12T10:00:00Z', item_count: 12 },
        ],
        ...overrides,
      },
    );

  async function openDialog(fake: Fake): Promise<HTMLElement> {
    const root = await show(fake);
    await click(one(root, 'slideshow-open'));
    return one(root, 'slideshow-dialog');
  }

  const select = async (el: HTMLElement, value: string) => {
    (el as HTMLSelectElement).value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
  };

  it('opens from the event’s header with the event’s settings, its screens and its collections', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);

    expect(fake.called('slideshowSettings')).toEqual([[1]]);
    expect(fake.called('monitors')).toHaveLength(1);
    expect(fake.called('collections')).toEqual([[1]]);
    expect(dialog.querySelector('h2')!.textContent).toBe('Slideshow: Wedding');
    const monitor = one(dialog, 'slideshow-monitor') as HTMLSelectElement;
    expect(Array.from(monitor.options, (o) => o.textContent)).toEqual([
      'This screen',
      'eDP-1 (1920×1080)',
      'HDMI-1 (1920×1080)',
    ]);
    expect(monitor.value).toBe('HDMI-1');
    expect((one(dialog, 'slideshow-interval') as HTMLInputElement).value).toBe('8');
    expect((one(dialog, 'slideshow-live-interval') as HTMLInputElement).value).toBe('15');
    expect(all(dialog, 'slideshow-collection')).toHaveLength(0);

    await select(one(dialog, 'slideshow-source'), 'collection');
    const collection = one(dialog, 'slideshow-collection') as HTMLSelectElement;
    expect(Array.from(collection.options, (o) => o.textContent)).toEqual(['Choose a collection', 'First dance']);
    expect(Array.from((one(dialog, 'slideshow-order') as HTMLSelectElement).options, (o) => o.value)).toContain(
      'manual',
    );
  });

  it('starts the show: saves the settings, then opens the slideshow window, and closes', async () => {
    const fake = wedding();
    const root = await show(fake);
    await click(one(root, 'slideshow-open'));
    const dialog = one(root, 'slideshow-dialog');
    await select(one(dialog, 'slideshow-monitor'), '');
    await select(one(dialog, 'slideshow-transition'), 'ken_burns');
    await type(one(dialog, 'slideshow-interval'), '12');
    await click(one(dialog, 'slideshow-start'));

    const order = fake.calls.map(([name]) => name).filter((n) => n === 'setSlideshowSettings' || n === 'openSlideshow');
    expect(order).toEqual(['setSlideshowSettings', 'openSlideshow']);
    expect(fake.called('setSlideshowSettings')[0]).toEqual([
      1,
      slideshowSettings({ interval_seconds: 12, transition: 'ken_burns', monitor: null }),
    ]);
    expect(fake.called('openSlideshow')).toEqual([[1]]);
    expect(all(root, 'slideshow-dialog')).toHaveLength(0);
  });

  it('saves without starting when asked only to save', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);
    (one(dialog, 'slideshow-qr') as HTMLInputElement).click();
    await click(one(dialog, 'slideshow-save'));

    expect(fake.state.slideshow[1]!.show_qr).toBe(false);
    expect(fake.called('openSlideshow')).toHaveLength(0);
    expect(one(dialog, 'slideshow-saved').textContent).toBe('Settings saved.');
  });

  it('says what is wrong before saving, and saves nothing', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);
    await type(one(dialog, 'slideshow-interval'), '0');
    await select(one(dialog, 'slideshow-source'), 'collection');
    await click(one(dialog, 'slideshow-start'));

    expect(all(dialog, 'slideshow-error').map((e) => e.textContent)).toEqual([
      'Choose the collection to show.',
      'A photo stays a whole number of seconds, from 1 to 600.',
    ]);
    expect(one(dialog, 'slideshow-interval').getAttribute('aria-invalid')).toBe('true');
    expect(fake.called('setSlideshowSettings')).toHaveLength(0);
    expect(fake.called('openSlideshow')).toHaveLength(0);

    await select(one(dialog, 'slideshow-collection'), '4');
    await type(one(dialog, 'slideshow-interval'), '5');
    expect(all(dialog, 'slideshow-error')).toHaveLength(0);
  });

  it('shows the backend’s refusal in its words, and does not open the show', async () => {
    const fake = wedding({
      setSlideshowSettings: async () => {
        throw { code: 'invalid_input', message: 'no collection 4 in event "Wedding"' };
      },
    });
    const dialog = await openDialog(fake);
    await click(one(dialog, 'slideshow-start'));

    const failure = one(dialog, 'slideshow-failure');
    expect(failure.textContent).toContain('Could not save the settings');
    expect(one(failure, 'error-message').textContent).toBe('no collection 4 in event "Wedding"');
    expect(fake.called('openSlideshow')).toHaveLength(0);
    expect(all(document.body, 'slideshow-dialog')).toHaveLength(1);
  });

  it('says why the show could not open', async () => {
    const fake = wedding({
      openSlideshow: async () => {
        throw { code: 'not_found', message: 'no monitor named HDMI-1' };
      },
    });
    const dialog = await openDialog(fake);
    await click(one(dialog, 'slideshow-start'));

    expect(one(dialog, 'slideshow-failure').textContent).toContain('Could not open the slideshow');
    expect(one(dialog, 'error-message').textContent).toBe('no monitor named HDMI-1');
  });

  it('previews the QR code as an image the CSP allows, and tells how to save it for print', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);

    expect(fake.called('shareQrSvg')).toEqual([[1]]);
    const img = one(dialog, 'slideshow-qr-preview') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('klikt-media://localhost/qr/1');
    expect(img.alt).toBe('QR code of the event’s share link');
    expect(dialog.querySelectorAll('svg')).toHaveLength(0);
    expect(one(dialog, 'slideshow-qr-command').textContent).toBe('klikt qr Wedding --out qr.svg');
  });

  it('saves the QR code where the organizer chose in the save dialog', async () => {
    const fake = wedding();
    fake.picks.savePath = '/home/anna/print/wedding-qr.png';
    const dialog = await openDialog(fake);

    await click(one(dialog, 'slideshow-qr-save'));

    expect(fake.called('saveShareQr')).toEqual([[1, '/home/anna/print/wedding-qr.png']]);
    expect(one(dialog, 'slideshow-qr-saved').textContent).toBe('Saved to /home/anna/print/wedding-qr.png');
  });

  it('saves nothing when the save dialog is cancelled', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);

    await click(one(dialog, 'slideshow-qr-save'));

    expect(fake.called('saveShareQr')).toEqual([]);
    expect(all(dialog, 'slideshow-qr-saved')).toHaveLength(0);
  });

  it('chooses a logo in the open dialog; the preview is the library’s PNG by event id', async () => {
    const fake = wedding();
    fake.picks.image = '/home/anna/brand/Studio Logo.png';
    const dialog = await openDialog(fake);
    expect(all(dialog, 'slideshow-logo-none'), 'no logo yet').toHaveLength(1);
    expect(all(dialog, 'slideshow-logo-remove')).toHaveLength(0);

    await click(one(dialog, 'slideshow-logo-choose'));

    expect(fake.called('setSlideshowLogo')).toEqual([[1, '/home/anna/brand/Studio Logo.png']]);
    const preview = one(dialog, 'slideshow-logo-preview') as HTMLImageElement;
    const src = preview.getAttribute('src') ?? '';
    expect(src, 'the media scheme by event id').toMatch(/\/logo\/1\?v=/);
    expect(src, 'never the organizer’s file path').not.toContain('Studio');
    expect(one(dialog, 'slideshow-logo-choose').textContent!.trim()).toBe('Replace logo…');
  });

  it('saves whether the logo shows, and its corner, with the settings', async () => {
    const fake = wedding();
    fake.state.logos[1] = 'v7';
    const dialog = await openDialog(fake);
    expect(one(dialog, 'slideshow-logo-preview').getAttribute('src')).toMatch(/\/logo\/1\?v=v7$/);

    await select(one(dialog, 'slideshow-logo-corner'), 'bottom_left');
    await click(one(dialog, 'slideshow-logo-show'));
    await click(one(dialog, 'slideshow-save'));

    const [[, saved]] = fake.called('setSlideshowSettings') as [[number, SlideshowSettings]];
    expect(saved.logo_corner).toBe('bottom_left');
    expect(saved.show_logo).toBe(false);
  });

  it('removes the logo', async () => {
    const fake = wedding();
    fake.state.logos[1] = 'v7';
    const dialog = await openDialog(fake);

    await click(one(dialog, 'slideshow-logo-remove'));

    expect(fake.called('removeSlideshowLogo')).toEqual([[1]]);
    expect(all(dialog, 'slideshow-logo-preview')).toHaveLength(0);
    expect(all(dialog, 'slideshow-logo-none')).toHaveLength(1);
  });

  it('says in the backend’s words why an image cannot be the logo, and keeps none', async () => {
    const fake = wedding();
    fake.picks.image = '/home/anna/notes.txt';
    const dialog = await openDialog(fake);

    await click(one(dialog, 'slideshow-logo-choose'));

    expect(one(dialog, 'slideshow-logo-error').textContent).toContain('/home/anna/notes.txt: cannot be used as the logo');
    expect(all(dialog, 'slideshow-logo-preview')).toHaveLength(0);
  });

  it('does nothing when the open dialog is cancelled', async () => {
    const fake = wedding();
    const dialog = await openDialog(fake);

    await click(one(dialog, 'slideshow-logo-choose'));

    expect(fake.called('setSlideshowLogo')).toEqual([]);
    expect(all(dialog, 'slideshow-logo-error')).toHaveLength(0);
  });

  it('keeps the CLI line when the QR preview cannot load', async () => {
    const dialog = await openDialog(wedding());
    one(dialog, 'slideshow-qr-preview').dispatchEvent(new Event('error'));
    await settle();
    expect(all(dialog, 'slideshow-qr-preview')).toHaveLength(0);
    expect(one(dialog, 'slideshow-qr-command').textContent).toBe('klikt qr Wedding --out qr.svg');
  });

  it('offers no QR code for an event only on this computer', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Garden party')] });
    const dialog = await openDialog(fake);

    expect(fake.called('shareQrSvg')).toHaveLength(0);
    expect(all(dialog, 'slideshow-qr-preview')).toHaveLength(0);
    expect(one(dialog, 'slideshow-qr-none').textContent).toContain('no share link');
  });

  it('renders an event name with HTML as text in the dialog', async () => {
    const hostile = '<img src=x onerror=alert(1)><b>bold</b>';
    const fake = fakeApi({ events: [localEvent(1, hostile)] });
    const dialog = await openDialog(fake);

    expect(dialog.querySelector('h2')!.textContent).toBe(`Slideshow: ${hostile}`);
    expect(dialog.querySelectorAll('img, b')).toHaveLength(0);
  });

  it('closes with Escape', async () => {
    const root = await show(wedding());
    await click(one(root, 'slideshow-open'));
    one(root, 'slideshow-dialog').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(all(root, 'slideshow-dialog')).toHaveLength(0);
  });

  it('speaks French', async () => {
    setLocale('fr');
    const dialog = await openDialog(wedding());
    expect(one(dialog, 'slideshow-start').textContent!.trim()).toBe('Lancer le diaporama');
    expect(dialog.querySelector('h2')!.textContent).toBe('Diaporama : Wedding');
  });
});

describe('live chip', () => {
  const status = (overrides = {}) => ({
    event_id: 1,
    state: 'live',
    last_ok_at: new Date().toISOString(),
    last_error: null,
    new_items: 2,
    changes: 2,
    awaiting_moderation: 3,
    ...overrides,
  });

  it('shows nothing while no show runs', async () => {
    const root = await show(fakeApi({ events: [localEvent(1, 'Wedding')] }));
    expect(all(root, 'live-chip')).toHaveLength(0);
  });

  it('follows the show: live with the moderation queue, offline with the last good time, gone when it closes', async () => {
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')] });
    const root = await show(fake);

    fake.emitLive(status());
    await settle();
    let chip = one(root, 'live-chip');
    expect(chip.dataset.state).toBe('live');
    expect(chip.textContent).toContain('Live · 3 awaiting moderation');
    expect(chip.title).toContain('2 new items in the last round');

    fake.emitLive(
      status({
        state: 'offline',
        // Half a minute spare: the shell's clock ticks each minute.
        last_ok_at: new Date(Date.now() - 5.5 * 60_000).toISOString(),
        last_error: 'the server did not answer',
      }),
    );
    await settle();
    chip = one(root, 'live-chip');
    expect(chip.dataset.state).toBe('offline');
    expect(chip.textContent).toContain('Offline · 3 awaiting moderation');
    expect(one(chip, 'live-chip-when').textContent).toBe('· last reached the server 5 minutes ago');
    expect(chip.title).toContain('Why: the server did not answer');

    fake.emitLive(null);
    await settle();
    expect(all(root, 'live-chip')).toHaveLength(0);
  });

  it('says when the server was never reached, in French too', async () => {
    setLocale('fr');
    const fake = fakeApi({ events: [localEvent(1, 'Wedding')], osLocale: 'fr-FR' });
    const root = await show(fake);
    fake.emitLive(status({ state: 'offline', last_ok_at: null }));
    await settle();
    expect(one(root, 'live-chip').textContent).toContain('Hors ligne · 3 en attente de modération');
    expect(one(root, 'live-chip-when').textContent).toBe('· pas encore de contact avec le serveur');
  });
});
