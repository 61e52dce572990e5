// The page at / in headless Chromium: the leaderboard renders and changes when a score is posted, the cache
// table fills in, the plots draw a panel with data for every cache / write-behind queue / refresh-ahead cache
// the server reports, and each demo button the server lists changes its plot. BASE_URL points at a running
// service started with DEMO_ENABLED=true (run.sh starts one), TOKEN a writer token; SCREENSHOT names the picture of the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const baseUrl = process.env.BASE_URL ?? 'http://127.0.0.1:8080';
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const board = `page${Date.now()}`;

function launch() {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

async function getJson(path) {
  const response = await fetch(baseUrl + path);
  assert.equal(response.status, 200, `GET ${path}: ${response.status}`);
  return response.json();
}

async function postScore(player, points) {
  const response = await fetch(`${baseUrl}/leaderboards/${board}/scores`, {
    method: 'POST',
    // A write: it needs a token with the role writer (run.sh signs one with the test key).
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.TOKEN}` },
    body: JSON.stringify({ player, points }),
  });
  assert.equal(response.status, 200, await response.text());
}

test('the leaderboard renders and follows new scores live', async () => {
  await postScore('alice', 30);
  await postScore('bob', 20);
  const browser = await launch();
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
  } finally {
    await browser.close();
  }
});

// Which chart a demo moves, and how to read the move from the chart's data (uPlot: data[0] = x in seconds,
// data[i] = series i). A demo the test does not know must move some chart.
const DEMO_CHARTS = {
  'stampede': { chart: 'cache:users:reads', label: 'database loads' },
  'absent-burst': { chart: 'cache:users:reads', label: 'absent' },
  'write-behind-burst': { chart: 'write-behind:posts', label: 'pending' },
  'leaderboard-refresh': { chart: 'refresh-ahead:leaderboards', label: null },
};

// The largest value drawn at or after `fromSeconds` in the chart `key` (series `label`, or any), or null.
function chartPeak(key, label, fromSeconds) {
  const entry = window.cachePatterns.charts[key];
  if (!entry) return null;
  const { data, series } = entry.plot;
  let peak = null;
  for (let i = 1; i < data.length; i++) {
    if (label !== null && series[i].label !== label) continue;
    data[0].forEach((x, j) => {
      const v = data[i][j];
      if (x >= fromSeconds && v !== null && (peak === null || v > peak)) peak = v;
    });
  }
  return peak;
}

test('the plots draw every panel the server reports, and each demo button moves its plot', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.addInitScript({ content: `window.chartPeak = ${chartPeak.toString()};` });
    await page.goto(baseUrl + '/');
    await page.waitForFunction(() => window.cachePatterns?.points.length >= 2, null, { timeout: 20_000 });

    const demos = await (await fetch(baseUrl + '/demo')).json();
    assert.ok(Array.isArray(demos), 'GET /demo lists the demos (run.sh starts the app with DEMO_ENABLED=true)');
    await page.waitForSelector('#demo-list button', { timeout: 10_000, state: demos.length ? 'visible' : 'attached' })
      .catch(() => assert.equal(demos.length, 0));
    for (const demo of demos) {
      const clickedAt = Date.now() / 1000;
      await page.click(`button[data-demo="${demo.id}"]`);
      await page.waitForSelector(`output[data-demo-result="${demo.id}"][data-figures]`, { timeout: 30_000 });
      const expected = DEMO_CHARTS[demo.id];
      // Points are stamped at the end of their interval: one that covers the click may end just after it.
      const from = clickedAt - 0.001;
      if (expected) {
        await page.waitForFunction(([key, label, fromSeconds]) => window.chartPeak(key, label, fromSeconds) > 0,
          [expected.chart, expected.label, from], { timeout: 20_000 });
      } else {
        await page.waitForFunction((fromSeconds) => Object.keys(window.cachePatterns.charts)
          .some((key) => window.chartPeak(key, null, fromSeconds) > 0), from, { timeout: 20_000 });
      }
      // Demos start at most once a second on an instance.
      await page.waitForTimeout(Math.max(0, 1100 - (Date.now() / 1000 - clickedAt) * 1000));
    }

    // Every cache, write-behind queue and refresh-ahead cache the server has meters for has a drawn panel
    // (after the demos, so the lazily created caches exist too); none is hard-coded.
    const view = await getJson('/dashboard/series?since=' + Date.now());
    const panels = ['redis', ...view.caches.map((c) => `cache:${c}`), ...view.writeBehind.map((w) => `write-behind:${w}`),
      ...view.refreshAhead.map((r) => `refresh-ahead:${r}`)];
    await page.waitForFunction((keys) => keys.every((key) =>
      document.querySelector(`[data-panel="${CSS.escape(key)}"] canvas`)), panels, { timeout: 10_000 });
    const drawn = await page.evaluate(() => Object.fromEntries(Object.entries(window.cachePatterns.charts)
      .map(([key, entry]) => [key, entry.plot.data[0].length])));
    for (const key of panels) {
      const charts = Object.keys(drawn).filter((k) => k === key || k.startsWith(key + ':'));
      assert.ok(charts.length > 0, `a chart in panel ${key}`);
      charts.forEach((k) => assert.ok(drawn[k] >= 2, `chart ${k} has points: ${drawn[k]}`));
    }
    assert.deepEqual(errors, []);

    // Let the write-behind backlog drain on the plot before the picture.
    await page.waitForTimeout(3000);
    await page.screenshot({ path: process.env.SCREENSHOT ?? 'target-page.png', fullPage: true });
  } finally {
    await browser.close();
  }
});
