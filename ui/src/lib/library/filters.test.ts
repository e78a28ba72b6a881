import { describe, expect, it } from 'vitest';

import { DEFAULT_FILTERS, isNarrowed, matches, toQuery, withCollection, type Filters } from './filters';

const f = (changes: Partial<Filters>): Filters => ({ ...DEFAULT_FILTERS, ...changes });

describe('toQuery', () => {
  it('asks for everything but the trash, by capture time, when nothing is filtered', () => {
    expect(toQuery(DEFAULT_FILTERS)).toEqual({ sort: 'captured' });
  });

  it('asks for the trash with the deleted status', () => {
    expect(toQuery(f({ status: 'deleted' }))).toEqual({ status: 'deleted', sort: 'captured' });
  });

  it('turns every filter into its query field', () => {
    expect(
      toQuery({
        status: 'pending',
        flag: 'picked',
        minRating: 3,
        favorite: 'yes',
        kind: 'video',
        uploader: 'Chloé',
        collection: 7,
        message: 'no',
        sort: 'uploaded',
      }),
    ).toEqual({
      status: 'pending',
      flag: 'picked',
      min_rating: 3,
      favorite: true,
      kind: 'video',
      uploader: 'Chloé',
      collection: 7,
      has_message: false,
      sort: 'uploaded',
    });
  });

  it('asks for unflagged and non-favorite items explicitly', () => {
    const query = toQuery(f({ flag: 'none', favorite: 'no', message: 'yes' }));
    expect(query.flag).toBe('none');
    expect(query.favorite).toBe(false);
    expect(query.has_message).toBe(true);
  });

  it('leaves the rating out at zero and clamps it to five stars', () => {
    expect(toQuery(f({ minRating: 0 })).min_rating).toBeUndefined();
    expect(toQuery(f({ minRating: 9 })).min_rating).toBe(5);
  });

  it('keeps an empty uploader name, which is a real filter value', () => {
    expect(toQuery(f({ uploader: '' })).uploader).toBe('');
  });

  it('uses the manual order only with a collection', () => {
    expect(toQuery(f({ sort: 'manual' })).sort).toBe('captured');
    expect(toQuery(f({ sort: 'manual', collection: 2 })).sort).toBe('manual');
  });
});

describe('withCollection', () => {
  it('shows a collection in its manual order', () => {
    expect(withCollection(DEFAULT_FILTERS, 4)).toMatchObject({ collection: 4, sort: 'manual' });
  });

  it('goes back to capture time when leaving a collection in manual order', () => {
    const inside = withCollection(f({ status: 'pending' }), 4);
    expect(withCollection(inside, null)).toEqual(f({ status: 'pending' }));
  });

  it('keeps the upload-time order when leaving a collection sorted by upload', () => {
    expect(withCollection(f({ collection: 4, sort: 'uploaded' }), null).sort).toBe('uploaded');
  });
});

describe('isNarrowed', () => {
  it('is false for the defaults and true for any filter', () => {
    expect(isNarrowed(DEFAULT_FILTERS)).toBe(false);
    expect(isNarrowed(f({ sort: 'uploaded' }))).toBe(false);
    expect(isNarrowed(f({ kind: 'photo' }))).toBe(true);
    expect(isNarrowed(f({ minRating: 1 }))).toBe(true);
  });
});

describe('matches', () => {
  const item = { status: 'pending', flag: 'none', rating: 0, favorite: false } as const;

  it('leaves trashed items out of the default listing and keeps them in the trash', () => {
    expect(matches({ ...item, status: 'deleted' }, DEFAULT_FILTERS)).toBe(false);
    expect(matches({ ...item, status: 'deleted' }, f({ status: 'deleted' }))).toBe(true);
    expect(matches(item, f({ status: 'deleted' }))).toBe(false);
  });

  it('drops an item that a decision took out of the filtered status, flag, rating or favorite', () => {
    expect(matches({ ...item, status: 'approved' }, f({ status: 'pending' }))).toBe(false);
    expect(matches({ ...item, flag: 'rejected' }, f({ flag: 'picked' }))).toBe(false);
    expect(matches({ ...item, rating: 2 }, f({ minRating: 3 }))).toBe(false);
    expect(matches({ ...item, favorite: false }, f({ favorite: 'yes' }))).toBe(false);
    expect(matches({ ...item, rating: 4, flag: 'picked' }, f({ minRating: 3, flag: 'picked' }))).toBe(true);
  });
});
