import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

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
  },
  // Component tests mount real Svelte components, which needs the browser build.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
}));
