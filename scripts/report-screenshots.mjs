#!/usr/bin/env node
// Regenerates the README's screenshots of report.html from a scan of samples/:
//   pnpm run build && node scripts/report-screenshots.mjs
// Needs Debian's chromium (or MXRAY_CHROMIUM); playwright-core never downloads a browser.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { scanToDirectory } from '@mxray/core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const img = path.join(repo, 'docs/img');
const work = await mkdtemp(path.join(tmpdir(), 'mxray-shots-'));
process.env.SOURCE_DATE_EPOCH ??= '1722643200';
try {
  await scanToDirectory({ paths: [path.join(repo, 'samples')], out: work });
  const browser = await chromium.launch({
    executablePath: process.env.MXRAY_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 1180 } });
  await page.goto(pathToFileURL(path.join(work, 'report.html')).href);
  await page.screenshot({ path: path.join(img, 'report-overview.png') });
  await page.locator('#top-ips').screenshot({ path: path.join(img, 'report-top-ips.png') });
  const drill = page.locator('#account-1');
  const box = await drill.boundingBox();
  await page.screenshot({ path: path.join(img, 'report-drill-down.png'), fullPage: true, clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 560) } });
  await browser.close();
  console.log(`screenshots written to ${path.relative(repo, img)}/`);
} finally {
  await rm(work, { recursive: true, force: true });
}
