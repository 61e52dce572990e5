// The page at / in headless Chromium: the leaderboard renders and changes when a score is posted, the cache
// table fills in, the plots draw a panel with data for every cache / write-behind queue / refresh-ahead cache
// the server reports, each demo button the server lists changes its plot, and at a desktop's, a laptop's and a phone's
// width nothing is cut off or scrolls sideways and the time axes read clock times. BASE_URL points at a running
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

// What sticks out sideways on the page as laid out now: the page itself, a card (the three at the top, the plots and
// each plot panel) whose content is wider than the card, and any element in the top cards that scrolls or clips
// sideways, unless `tableMayScroll` (a phone, narrower than the caches table) and it is a table's own wrapper. (A text
// field scrolls the text typed into it, as it should.)
function sidewaysProblems(tableMayScroll) {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) problems.push(`the page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  const cards = [...document.querySelectorAll('main > section, #plots, #plot-grid > .panel')].filter((c) => !c.hidden);
  for (const card of cards) {
    const name = card.id || card.dataset.panel;
    if (card.scrollWidth > card.clientWidth) problems.push(`card ${name}: content ${card.scrollWidth} px in ${card.clientWidth} px`);
    if (!card.matches('main > section')) continue;
    for (const element of card.querySelectorAll(':not(input, textarea, select)')) {
      const clipsOrScrolls = getComputedStyle(element).overflowX !== 'visible' && element.scrollWidth > element.clientWidth;
      if (clipsOrScrolls && !(tableMayScroll && element.matches('.table-scroll'))) {
        problems.push(`in card ${name}, ${element.tagName.toLowerCase()}.${element.className} scrolls sideways`);
      }
    }
  }
  return problems;
}

// Where the score form's button is, against the viewport and its card.
function scoreButtonPlace() {
  const button = document.querySelector('#score-form button').getBoundingClientRect();
  const card = document.getElementById('leaderboard').getBoundingClientRect();
  return { button: { left: button.left, right: button.right, width: button.width }, card: { left: card.left, right: card.right },
    viewport: document.documentElement.clientWidth };
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;
const seconds = (label) => label.split(':').reduce((total, part) => total * 60 + Number(part), 0);
// Seconds from one clock label to a later one (past midnight too).
const secondsBetween = (from, to) => (seconds(to) - seconds(from) + 86_400) % 86_400;

test('at 1400, 1920, 1024 and 390 px nothing is cut off or scrolls sideways, and the time axes read clock times', async () => {
  await postScore('carol', 5);
  const browser = await launch();
  try {
    for (const width of [1400, 1920, 1024, 390]) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(baseUrl + '/');
      await page.fill('#board', board);
      await page.dispatchEvent('#board', 'change');
      await page.waitForSelector('#board-entries tr[data-player]', { timeout: 10_000 });
      await page.waitForSelector('#cache-rows tr', { timeout: 10_000 });
      await page.waitForFunction(() => window.cachePatterns?.points.length >= 2
        && Object.keys(window.cachePatterns.charts).length > 0, null, { timeout: 20_000 });
      // Charts follow their panels' widths one frame after layout.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

      // Only a phone is narrower than the caches table; there it scrolls inside its own wrapper, never the card.
      assert.deepEqual(await page.evaluate(sidewaysProblems, width < 640), [], `at ${width} px`);

      const place = await page.evaluate(scoreButtonPlace);
      assert.ok(place.button.width > 0, `at ${width} px the score button has a size: ${JSON.stringify(place)}`);
      assert.ok(place.button.left >= place.card.left && place.button.right <= place.card.right,
        `at ${width} px the score button is inside its card: ${JSON.stringify(place)}`);
      assert.ok(place.button.left >= 0 && place.button.right <= place.viewport,
        `at ${width} px the score button is inside the viewport: ${JSON.stringify(place)}`);

      // Every chart's time axis, as drawn: clock times, in order, not crowded (uPlot keeps ticks 70 px apart).
      const axes = await page.evaluate(() => Object.entries(window.cachePatterns.charts).map(([key, entry]) =>
        ({ key, labels: window.cachePatterns.ticks?.[key], plotWidth: entry.plot.over.clientWidth })));
      assert.ok(axes.length > 0);
      for (const { key, labels, plotWidth } of axes) {
        assert.ok(labels?.length >= 1, `at ${width} px chart ${key} has time labels: ${labels}`);
        labels.forEach((label) => assert.match(label, CLOCK, `at ${width} px chart ${key}: ${labels}`));
        labels.slice(1).forEach((label, i) => assert.ok(secondsBetween(labels[i], label) > 0, `in order: ${labels}`));
        assert.ok((labels.length - 1) * 70 <= plotWidth, `at ${width} px chart ${key}: ${labels.length} labels in ${plotWidth} px`);
      }

      // Over a full 10-minute window the ticks fall on whole minutes at even steps.
      const tenMinutes = await page.evaluate(() => {
        const [key, entry] = Object.entries(window.cachePatterns.charts)[0];
        const now = Date.now() / 1000;
        entry.plot.batch((u) => u.setScale('x', { min: now - 600, max: now }));
        return window.cachePatterns.ticks[key];
      });
      assert.ok(tenMinutes.length >= 2, `at ${width} px over 10 minutes: ${tenMinutes}`);
      const steps = tenMinutes.slice(1).map((label, i) => secondsBetween(tenMinutes[i], label));
      tenMinutes.forEach((label) => assert.match(label, /:00$/, `at ${width} px over 10 minutes: ${tenMinutes}`));
      assert.ok(steps.every((step) => step === steps[0] && step >= 60), `at ${width} px over 10 minutes: ${tenMinutes}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
