// @vitest-environment jsdom
/**
 * Forgetting an event on the fake API: what would be lost, the verified
 * export or the warning that there is none, and the typed name that alone
 * unlocks "Forget".
 */
import { describe, expect, it } from 'vitest';

import type { ForgetReport } from '../bindings/ForgetReport';
import { setLocale } from '../i18n/index.svelte';
import ForgetDialog from './ForgetDialog.svelte';
import { all, click, one, settle, type } from './testing/dom';
import { fakeApi, forgetPreview, localEvent, type Fake } from './testing/fakeApi';
import { mountedEach } from './testing/mount';

const page = mountedEach();

const name = 'Mia & Sam <3';
const event = localEvent(1, name, { remote_id: 'r1', media_count: 240, total_bytes: 1_200_000_000 });

async function open(fake: Fake) {
  const forgotten: ForgetReport[] = [];
  page.put(ForgetDialog, {
    api: fake.api,
    event,
    onclose: () => {},
    onforgotten: (r: ForgetReport) => forgotten.push(r),
  });
  await settle();
  return { forgotten, dialog: one(document.body, 'forget-dialog') };
}

describe('forget dialog', () => {
  it('names what will be lost and warns clearly that no verified export exists', async () => {
    const fake = fakeApi({
      events: [event],
      forget: { 1: forgetPreview(event, { message_count: 31, unsent_decisions: 4 }) },
    });
    const { dialog } = await open(fake);

    expect(fake.called('forgetPreview')).toEqual([[1]]);
    expect(Array.from(one(dialog, 'forget-losses').children, (li) => li.textContent)).toEqual([
      '240 photos and videos',
      '31 guest messages',
      '1.2 GB of files',
      '4 decisions not yet sent to the server, lost with it',
    ]);
    const warning = one(dialog, 'forget-no-export');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain('No verified export of this event exists');
    expect(all(dialog, 'forget-export')).toHaveLength(0);
  });

  it('says where the verified export is', async () => {
    const fake = fakeApi({
      events: [event],
      forget: {
        1: forgetPreview(event, {
          verified_export: {
            destination: '/backup/Mia & Sam <3',
            files: 240,
            bytes: 1_150_000_000,
            finished_at: '2026-06-01T10:00:00Z',
            verified_at: '2026-06-02T09:00:00Z',
          },
        }),
      },
    });
    const { dialog } = await open(fake);

    expect(all(dialog, 'forget-no-export')).toHaveLength(0);
    expect(one(dialog, 'forget-export-path').textContent).toBe('/backup/Mia & Sam <3');
    expect(one(dialog, 'forget-export').textContent).toContain('240 files · 1.2 GB · verified 2 Jun 2026');
  });

  it('forgets only once the event’s name is typed in full', async () => {
    const fake = fakeApi({ events: [event] });
    const { dialog, forgotten } = await open(fake);
    const confirm = one(dialog, 'forget-confirm') as HTMLButtonElement;

    expect(confirm.disabled).toBe(true);
    await click(confirm);
    await type(one(dialog, 'forget-name'), 'Mia & Sam');
    expect(confirm.disabled).toBe(true);
    one(dialog, 'forget-name').closest('form')!.requestSubmit();
    await settle();
    expect(fake.called('forgetEvent')).toEqual([]);

    await type(one(dialog, 'forget-name'), name);
    expect(confirm.disabled).toBe(false);
    await click(confirm);

    expect(fake.called('forgetEvent')).toEqual([[1]]);
    expect(forgotten).toEqual([{ event_name: name, media_removed: 240, messages_removed: 0, bytes_freed: 1_200_000_000 }]);
  });

  it('renders the event’s name as text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const fake = fakeApi({ events: [localEvent(1, hostile)] });
    page.put(ForgetDialog, { api: fake.api, event: localEvent(1, hostile), onclose: () => {}, onforgotten: () => {} });
    await settle();
    const dialog = one(document.body, 'forget-dialog');
    expect(dialog.querySelectorAll('img')).toHaveLength(0);
    expect(dialog.textContent).toContain(`To confirm, type the event’s name: ${hostile}`);
  });

  it('shows a refusal in the backend’s words and keeps the event', async () => {
    const fake = fakeApi(
      { events: [event] },
      { forgetEvent: () => Promise.reject({ code: 'busy', message: 'An export of this event is running.' }) },
    );
    const { dialog, forgotten } = await open(fake);
    await type(one(dialog, 'forget-name'), name);
    await click(one(dialog, 'forget-confirm'));

    expect(one(dialog, 'error-message').textContent).toBe('An export of this event is running.');
    expect(forgotten).toEqual([]);
  });

  it('speaks French', async () => {
    setLocale('fr');
    const { dialog } = await open(fakeApi({ events: [event] }));
    expect(one(dialog, 'forget-no-export').textContent).toContain('Aucun export vérifié');
    expect(one(dialog, 'forget-confirm').textContent?.trim()).toBe('Oublier cet événement');
  });
});
