/** The library area's messages (see index.svelte.ts). */

import type { Translation } from './index.svelte';

export const en = {
} as const;

export const fr: Translation<typeof en> = {
};
