import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * A path beside this config file, whatever the working directory (like
 * `fileURLToPath`, without needing Node's type declarations in the UI's tsconfig).
 */
function besideConfig(file: string): string {
  const path = decodeURIComponent(new URL(file, import.meta.url).pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

// The Tauri window loads `dist/` (embedded) in production and this dev server
// (`devUrl` in src-tauri/tauri.conf.json) under `tauri dev`.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+, WebView2 and WKWebView all run ES2022.
    target: 'es2022',
    // Two pages: the main window, and the venue slideshow window.
    rollupOptions: {
      input: {
        main: besideConfig('index.html'),
        slideshow: besideConfig('slideshow.html'),
      },
    },
  },
  // Component tests mount real Svelte components, which needs the browser build.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
}));
