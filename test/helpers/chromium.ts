/**
 * Headless Chromium for report tests: Debian's `chromium` (or MXRAY_CHROMIUM), driven by
 * playwright-core, which never downloads a browser. `.ci/run` installs the package; on a machine
 * without it the browser tests are skipped and say why.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.MXRAY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM: string | undefined = CANDIDATES.find((p): p is string => p !== undefined && p !== '' && existsSync(p));

// CI sets this so that a missing browser fails the run instead of skipping the report checks.
if (!CHROMIUM && process.env.MXRAY_REQUIRE_CHROMIUM) {
  throw new Error('MXRAY_REQUIRE_CHROMIUM is set but no Chromium was found (install Debian chromium or set MXRAY_CHROMIUM)');
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    // As root in CI: no sandbox. No background networking: this machine's network is closed.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
