// The page at / in headless Chromium: the leaderboard renders and changes when a score is posted,
// and the cache table fills in. BASE_URL points at a running service (run.sh starts one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const board = `page${Date.now()}`;

async function postScore(player, points) {
  const response = await fetch(`${baseUrl}/leaderboards/${board}/scores`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ player, points }),
  });
  assert.equal(response.status, 200, await response.text());
}

test('the leaderboard renders and follows new scores live', async () => {
  await postScore('alice', 30);
  await postScore('bob', 20);
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(baseUrl + '/');
    await page.fill('#board', board);
    await page.dispatchEvent('#board', 'change');

    await page.waitForSelector('#board-entries tr[data-player="alice"]', { timeout: 10_000 });
    const before = await page.$$eval('#board-entries tr', (rows) => rows.map((r) => r.dataset.player));
    assert.deepEqual(before, ['alice', 'bob']);

    // A score posted by someone else moves bob to the top without reloading the page.
    await postScore('bob', 25);
    await page.waitForFunction(
      () => document.querySelector('#board-entries tr')?.dataset.player === 'bob',
      null, { timeout: 10_000 });
    const score = await page.textContent('#board-entries tr[data-player="bob"] td.num');
    assert.equal(score.trim(), '45');

    // The cache table is filled from /dashboard/stats.
    await page.waitForSelector('#cache-rows tr', { timeout: 10_000 });
    await page.screenshot({ path: process.env.SCREENSHOT ?? 'target-page.png', fullPage: true });
  } finally {
    await browser.close();
  }
});
