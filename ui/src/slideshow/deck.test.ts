import { describe, expect, it } from 'vitest';

import { Player, seededRandom, type PlayItem } from './deck';
import { deckOf, message, photo } from './testing/fixtures';

const keys = (items: (PlayItem | null)[]) => items.map((item) => item?.key ?? null);
const ids = (items: (PlayItem | null)[]) => items.map((item) => item?.id ?? null);
const take = (player: Player, count: number) => Array.from({ length: count }, () => player.next());

describe('chronological and manual order', () => {
  it('loops through the base order', () => {
    const player = new Player(deckOf([3, 1, 2]));
    expect(ids(take(player, 7))).toEqual([3, 1, 2, 3, 1, 2, 3]);
  });

  it('follows a manual order as given', () => {
    const player = new Player(deckOf([9, 4, 6], { order: 'manual' }));
    expect(ids(take(player, 4))).toEqual([9, 4, 6, 9]);
  });

  it('skips unshowable photos', () => {
    const player = new Player(deckOf([photo(1), photo(2, { showable: false }), photo(4)]));
    expect(ids(take(player, 4))).toEqual([1, 4, 1, 4]);
  });

  it('plays videos in their place among the photos', () => {
    const player = new Player(deckOf([photo(1), photo(3, { kind: 'video' }), photo(4)]));
    expect(keys(take(player, 4))).toEqual(['photo:1', 'video:3', 'photo:4', 'photo:1']);
  });

  it('has nothing to show for an empty deck', () => {
    const player = new Player(deckOf([]));
    expect(player.empty).toBe(true);
    expect(player.next()).toBeNull();
    expect(player.upcoming(2)).toEqual([]);
  });

  it('keeps the rest of a pass in a changed manual order without repeating', () => {
    const player = new Player(deckOf([1, 2, 3, 4], { order: 'manual' }));
    expect(ids(take(player, 2))).toEqual([1, 2]);
    player.refresh(deckOf([4, 2, 3, 1], { order: 'manual' }));
    expect(ids(take(player, 6))).toEqual([4, 3, 4, 2, 3, 1]);
  });
});

describe('shuffle', () => {
  it('never repeats a slide before the deck is exhausted', () => {
    const player = new Player(deckOf([1, 2, 3, 4, 5, 6, 7, 8], { order: 'shuffle' }), {
      random: seededRandom(42),
    });
    for (let pass = 0; pass < 20; pass += 1) {
      const dealt = ids(take(player, 8));
      expect(new Set(dealt).size, `pass ${pass}`).toBe(8);
    }
  });

  it('does not show the last slide of a pass first in the next one', () => {
    for (let seed = 0; seed < 200; seed += 1) {
      const player = new Player(deckOf([1, 2, 3], { order: 'shuffle' }), { random: seededRandom(seed) });
      let last = player.next();
      for (let i = 0; i < 30; i += 1) {
        const next = player.next();
        expect(next?.key, `seed ${seed}`).not.toBe(last?.key);
        last = next;
      }
    }
  });

  it('is reproducible with a seed', () => {
    const a = new Player(deckOf([1, 2, 3, 4, 5], { order: 'shuffle' }), { random: seededRandom(7) });
    const b = new Player(deckOf([1, 2, 3, 4, 5], { order: 'shuffle' }), { random: seededRandom(7) });
    expect(ids(take(a, 15))).toEqual(ids(take(b, 15)));
  });

  it('keeps looping a single photo', () => {
    const player = new Player(deckOf([5], { order: 'shuffle' }), { random: seededRandom(1) });
    expect(ids(take(player, 3))).toEqual([5, 5, 5]);
  });
});

describe('refresh', () => {
  it('drops a removed slide before its turn, also from the preloaded next slots', () => {
    const player = new Player(deckOf([1, 2, 3, 4]));
    player.next();
    expect(ids(player.upcoming(2))).toEqual([2, 3]);
    player.refresh(deckOf([1, 3, 4]));
    expect(ids(player.upcoming(2))).toEqual([3, 4]);
    expect(ids(take(player, 6))).toEqual([3, 4, 1, 3, 4, 1]);
  });

  it('drops removed slides in shuffle order too', () => {
    const player = new Player(deckOf([1, 2, 3, 4, 5, 6], { order: 'shuffle' }), { random: seededRandom(3) });
    player.next();
    player.upcoming(2);
    player.refresh(deckOf([1, 2, 3], { order: 'shuffle' }));
    const shown = ids(take(player, 30));
    expect(shown.every((id) => id !== null && id <= 3)).toBe(true);
  });

  it('shows new slides next, in arrival order, then resumes', () => {
    const player = new Player(deckOf([1, 2, 3, 4]));
    player.next();
    player.upcoming(2);
    const late = photo(20, { arrived_at: '2025-06-01T13:00:00Z' });
    const early = photo(10, { arrived_at: '2025-06-01T12:30:00Z' });
    player.refresh(deckOf([1, 2, 3, 4, late, early]));
    expect(ids(take(player, 5))).toEqual([10, 20, 2, 3, 4]);
  });

  it('puts later arrivals after earlier ones still waiting', () => {
    const player = new Player(deckOf([1, 2]));
    player.next();
    player.refresh(deckOf([1, 2, 10]));
    player.refresh(deckOf([1, 2, 10, 11]));
    expect(ids(take(player, 3))).toEqual([10, 11, 2]);
  });

  it('does not repeat a new slide in the same pass', () => {
    const player = new Player(deckOf([1, 2, 3]));
    player.next();
    player.refresh(deckOf([1, 2, 3, 4]));
    // 4 jumps the queue, the pass ends (2, 3), then the next pass includes it once.
    expect(ids(take(player, 7))).toEqual([4, 2, 3, 1, 2, 3, 4]);
  });

  it('never repeats a slide because of a refresh that changes nothing', () => {
    const player = new Player(deckOf([1, 2, 3, 4, 5], { order: 'shuffle' }), { random: seededRandom(9) });
    const shown: (number | null)[] = [];
    for (let i = 0; i < 5; i += 1) {
      shown.push(player.next()?.id ?? null);
      player.refresh(deckOf([1, 2, 3, 4, 5], { order: 'shuffle' }));
    }
    expect(new Set(shown).size).toBe(5);
  });

  it('does not treat the first read as new arrivals', () => {
    const player = new Player(null);
    player.refresh(deckOf([1, 2, 3]));
    expect(ids(take(player, 3))).toEqual([1, 2, 3]);
  });

  it('shows the current caption after it changed', () => {
    const player = new Player(deckOf([1, 2]));
    player.next();
    player.refresh(deckOf([photo(1, { text: 'new caption' }), photo(2)]));
    expect(player.current()?.slide.text).toBe('new caption');
  });

  it('forgets a removed slide in history', () => {
    const player = new Player(deckOf([1, 2, 3]));
    take(player, 3);
    player.refresh(deckOf([1, 3]));
    expect(ids([player.previous(), player.previous()])).toEqual([1, 1]);
  });

  it('moves on from a current slide that was removed', () => {
    const player = new Player(deckOf([1, 2, 3]));
    take(player, 2);
    player.refresh(deckOf([1, 3]));
    expect(player.has('photo:2')).toBe(false);
    expect(player.next()?.id).toBe(3);
  });
});

describe('message cards', () => {
  const messages = [message(100, 'Congrats!'), message(101, 'Best party'), message(102, 'Love you')];

  it('come after every `message_every` photos, rotating', () => {
    const player = new Player(deckOf([1, 2, 3, 4], { show_messages: true, message_every: 2 }, messages));
    expect(keys(take(player, 9))).toEqual([
      'photo:1',
      'photo:2',
      'message:100',
      'photo:3',
      'photo:4',
      'message:101',
      'photo:1',
      'photo:2',
      'message:102',
    ]);
  });

  it('do not show when show_messages is off', () => {
    const player = new Player(deckOf([1, 2], { show_messages: false, message_every: 1 }, messages));
    expect(keys(take(player, 4))).toEqual(['photo:1', 'photo:2', 'photo:1', 'photo:2']);
  });

  it('play alone when there is no photo yet', () => {
    const player = new Player(deckOf([], { show_messages: true, message_every: 3 }, messages.slice(0, 2)));
    expect(player.empty).toBe(false);
    expect(keys(take(player, 3))).toEqual(['message:100', 'message:101', 'message:100']);
  });

  it('disappear when unapproved', () => {
    const player = new Player(deckOf([1, 2], { show_messages: true, message_every: 1 }, messages.slice(0, 1)));
    player.next();
    expect(keys(player.upcoming(2))).toEqual(['message:100', 'photo:2']);
    player.refresh(deckOf([1, 2], { show_messages: true, message_every: 1 }, []));
    expect(keys(take(player, 3))).toEqual(['photo:2', 'photo:1', 'photo:2']);
  });
});

describe('history', () => {
  it('goes back and forth through what was shown, then carries on', () => {
    const player = new Player(deckOf([1, 2, 3, 4]));
    take(player, 3);
    expect(ids([player.previous(), player.previous(), player.previous()])).toEqual([2, 1, 1]);
    expect(ids(player.upcoming(2))).toEqual([2, 3]);
    expect(ids(take(player, 4))).toEqual([2, 3, 4, 1]);
  });

  it('is bounded', () => {
    const player = new Player(deckOf([1, 2, 3]), { historyLimit: 4 });
    take(player, 10);
    const back = Array.from({ length: 6 }, () => player.previous()?.id);
    // Kept: 1, 2, 3, 1 (current); going back stops at the oldest kept.
    expect(back).toEqual([3, 2, 1, 1, 1, 1]);
  });
});

describe('skip', () => {
  it('drops a slide that failed to load from the queue', () => {
    const player = new Player(deckOf([1, 2, 3]));
    player.next();
    expect(ids(player.upcoming(2))).toEqual([2, 3]);
    player.skip('photo:2');
    expect(ids(take(player, 3))).toEqual([3, 1, 2]);
  });
});
