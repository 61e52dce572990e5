// The page at /: a live leaderboard (server-sent events, polling as a fallback) and cache statistics.
'use strict';

const $ = (id) => document.getElementById(id);

// Health and metrics live on the management port of the same host; point the links there.
for (const link of document.querySelectorAll('a.management')) {
  link.href = `${location.protocol}//${location.hostname}:9000${link.dataset.path}`;
  link.title = 'on the management port, 9000';
}
let source = null;
let pollTimer = null;

function boardName() {
  return $('board').value.trim() || 'global';
}

function renderBoard(board) {
  const rows = (board.entries || []).map((e) =>
    `<tr data-player="${escapeHtml(e.player)}"><td>${e.rank}</td><td>${escapeHtml(e.player)}</td>` +
    `<td class="num">${e.score}</td></tr>`);
  $('board-entries').innerHTML = rows.length ? rows.join('') : '<tr><td colspan="3">no scores yet</td></tr>';
  // The clock time reads at a glance; the full instant stays in the tooltip.
  const refreshed = board.refreshedAt ? new Date(board.refreshedAt) : null;
  $('refreshed-at').textContent = refreshed ? refreshed.toLocaleTimeString([], {hourCycle: 'h23'}) : '–';
  $('refreshed-at').title = board.refreshedAt || '';
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}

async function loadBoard() {
  const response = await fetch(`/leaderboards/${encodeURIComponent(boardName())}?limit=10`);
  if (response.ok) {
    renderBoard(await response.json());
  }
}

function followBoard() {
  if (source) source.close();
  clearInterval(pollTimer);
  loadBoard().catch(() => {});
  source = new EventSource(`/leaderboards/${encodeURIComponent(boardName())}/stream`);
  $('transport').textContent = 'SSE';
  source.onmessage = (event) => renderBoard(JSON.parse(event.data));
  source.onerror = () => {
    // The stream is unavailable (or the board name is invalid): fall back to polling.
    source.close();
    $('transport').textContent = 'polling';
    pollTimer = setInterval(() => loadBoard().catch(() => {}), 2000);
  };
}

async function addScore(event) {
  event.preventDefault();
  const response = await fetch(`/leaderboards/${encodeURIComponent(boardName())}/scores`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({player: $('player').value, points: Number($('points').value)}),
  });
  const body = await response.json();
  $('score-result').textContent = response.ok ? `${body.player}: ${body.score} (rank ${body.rank})` : body.detail;
}

async function loadStats() {
  const response = await fetch('/dashboard/stats');
  if (!response.ok) return;
  const stats = await response.json();
  $('cache-rows').innerHTML = stats.caches.map((c) =>
    `<tr data-cache="${escapeHtml(c.cache)}"><td>${escapeHtml(c.cache)}</td>` +
    `<td class="num">${(c.hitRatio * 100).toFixed(1)}%</td><td class="num">${c.hits}</td>` +
    `<td class="num">${c.misses}</td><td class="num">${c.negativeHits}</td><td class="num">${c.loads}</td>` +
    `<td class="num">${c.fallbacks}</td></tr>`).join('');
  $('circuit').textContent = stats.redisCircuit;
  $('wb-pending').textContent = stats.writeBehind.pending;
  $('wb-lag').textContent = stats.writeBehind.lagSeconds.toFixed(1);
  $('wb-flushed').textContent = stats.writeBehind.flushed;
  $('wb-dead').textContent = stats.writeBehind.dead;
}

// The leaderboard panel belongs to the leaderboard example: a service made without it has no such route, and the
// panel goes away instead of polling a 404.
async function startBoard() {
  const probe = await fetch('/leaderboards/global?limit=1');
  if (probe.status === 404) {
    $('leaderboard').hidden = true;
    return;
  }
  $('board').addEventListener('change', followBoard);
  $('score-form').addEventListener('submit', addScore);
  followBoard();
}

startBoard().catch(() => {});
loadStats().catch(() => {});
setInterval(() => loadStats().catch(() => {}), 2000);
