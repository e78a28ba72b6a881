import { mount } from 'svelte';

import '../app.css';
import { initLocale, t } from '../lib/i18n/index.svelte';
import { createSlideshowApi } from './api';
import Slideshow from './Slideshow.svelte';
import { eventIdFrom } from './window';

const target = document.getElementById('app');
if (!target) {
  throw new Error('slideshow.html has no #app element');
}

initLocale(navigator.language);
// The main window's language switch reaches this window through storage events.
window.addEventListener('storage', (event) => {
  if (event.key === null || event.key === 'klikt.locale') initLocale(navigator.language);
});
document.title = t('slideshow.title');

mount(Slideshow, {
  target,
  props: { api: createSlideshowApi(), eventId: eventIdFrom(location.search) },
});
