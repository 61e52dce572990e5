// The plots of the page at /: this instance's last minutes from GET /dashboard/series, drawn with uPlot.
// One panel per cache, write-behind queue and refresh-ahead cache the server reports, so a deleted example
// simply has no panel. window.cachePatterns exposes the charts, points and time-axis labels (the browser test reads
// them).
'use strict';

(() => {
  const READ_RESULTS = [
    ['near_hit', 'near hit', '#0f9d9a'],
    ['hit', 'Redis hit', '#2e9e44'],
    ['negative_hit', 'absent', '#8a56c2'],
    ['stale', 'stale', '#e69a1c'],
    ['miss', 'miss', '#d43f3a'],
    ['fallback', 'fallback (no Redis)', '#7a7f8c'],
  ];
  const TRIGGER_COLOURS = {read: '#2d6cdf', schedule: '#e69a1c'};
  const HEIGHT = 180;
  const MIN_WIDTH = 200;
  // Time is shown as the viewer's clock time. Ticks fall on whole seconds and at least 70 px apart (a label is about
  // 55 px wide): a 10-minute window of 2-s points gets one every 1 or 2 minutes, a minute-old one every 5 or 10 s.
  const clock = uPlot.fmtDate('{HH}:{mm}:{ss}');
  const TIME_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const TIME_TICK_SPACE = 70;

  const state = {since: 0, points: [], view: null, charts: {}, ticks: {}, updates: 0, lastError: null};
  window.cachePatterns = state;

  const grid = document.getElementById('plot-grid');

  function widthOf(holder) {
    return Math.max(MIN_WIDTH, holder.clientWidth || 480);
  }

  // Charts follow their panel's width (the grid reflows on resize, and when the page's scroll bar comes or goes).
  const resizes = new ResizeObserver((observed) => {
    for (const {target} of observed) {
      const entry = Object.values(state.charts).find((e) => e.plot.root.parentElement === target);
      if (entry && entry.plot.width !== widthOf(target)) entry.plot.setSize({width: widthOf(target), height: HEIGHT});
    }
  });

  function panel(key, title) {
    let section = grid.querySelector(`[data-panel="${CSS.escape(key)}"]`);
    if (!section) {
      section = document.createElement('section');
      section.className = 'panel';
      section.dataset.panel = key;
      const heading = document.createElement('h3');
      heading.textContent = title;
      section.appendChild(heading);
      grid.appendChild(section);
    }
    return section;
  }

  function chartHolder(section, key) {
    let holder = section.querySelector(`[data-chart="${CSS.escape(key)}"]`);
    if (!holder) {
      holder = document.createElement('div');
      holder.className = 'chart';
      holder.dataset.chart = key;
      section.appendChild(holder);
      resizes.observe(holder);
    }
    return holder;
  }

  // series: [{label, stroke, scale, value(point) -> number|null, fill?, stepped?, dash?, sparse?}]
  function draw(section, key, series, axes) {
    const holder = chartHolder(section, key);
    const signature = series.map((s) => s.label).join('|');
    let entry = state.charts[key];
    if (entry && entry.signature !== signature) {
      entry.plot.destroy();
      delete state.ticks[key];
      entry = null;
    }
    const data = [state.points.map((p) => p.t / 1000)];
    for (const s of series) {
      data.push(state.points.map((p) => {
        const v = s.value(p);
        return v === undefined || v === null || Number.isNaN(v) ? null : v;
      }));
    }
    if (!entry) {
      const scales = {x: {time: true}};
      for (const axis of axes) {
        scales[axis.scale] = axis.range ? {range: axis.range} : {auto: true, range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1]};
      }
      const plot = new uPlot({
        width: widthOf(holder),
        height: HEIGHT,
        scales,
        series: [{value: (u, t) => (t === null ? '--' : clock(new Date(t * 1000)))}, ...series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          fill: s.fill,
          width: 1.5,
          dash: s.dash,
          scale: s.scale,
          spanGaps: false,
          // Sparse series (a ratio or a p99 exists only in intervals with reads or loads) need dots to be seen.
          points: s.sparse ? {show: true, size: 4} : {show: false},
          paths: s.stepped ? uPlot.paths.stepped({align: 1}) : undefined,
        }))],
        axes: [{
          space: TIME_TICK_SPACE,
          incrs: TIME_INCREMENTS,
          size: 32,
          values: (u, splits) => (state.ticks[key] = splits.map((t) => clock(new Date(t * 1000)))),
        }, ...axes.map((axis, i) => ({
          scale: axis.scale,
          label: axis.label,
          side: i === 0 ? 3 : 1,
          grid: {show: i === 0},
          size: 50,
        }))],
        legend: {live: true},
      }, data, holder);
      entry = {plot, signature};
      state.charts[key] = entry;
    } else {
      entry.plot.setData(data);
    }
  }

  function resultsOf(cache) {
    const seen = new Set();
    for (const p of state.points) {
      const reads = p.caches[cache] && p.caches[cache].reads;
      if (reads) Object.keys(reads).forEach((r) => seen.add(r));
    }
    const known = READ_RESULTS.filter(([r]) => seen.has(r));
    const other = [...seen].filter((r) => !READ_RESULTS.some(([k]) => k === r)).map((r) => [r, r, '#333']);
    return known.concat(other);
  }

  function drawCache(cache) {
    const section = panel(`cache:${cache}`, `cache ${cache}`);
    const c = (p) => p.caches[cache];
    const reads = resultsOf(cache).map(([result, label, stroke]) => ({
      label, stroke, scale: 'rate', value: (p) => c(p) && c(p).reads[result],
    }));
    reads.push({label: 'database loads', stroke: '#1d2330', dash: [6, 3], scale: 'rate', value: (p) => c(p) && c(p).loads});
    draw(section, `cache:${cache}:reads`, reads, [{scale: 'rate', label: 'per second'}]);
    draw(section, `cache:${cache}:ratio`, [
      {label: 'hit ratio %', stroke: '#2e9e44', scale: '%', sparse: true, value: (p) => c(p) && c(p).hitRatio !== null ? c(p).hitRatio * 100 : null},
      {label: 'load p99 ms', stroke: '#d43f3a', scale: 'ms', sparse: true, value: (p) => c(p) && c(p).loadP99Ms},
    ], [{scale: '%', label: 'hit ratio %', range: [0, 100]}, {scale: 'ms', label: 'load p99 ms'}]);
  }

  function drawRedis() {
    const section = panel('redis', 'Redis');
    const series = [{
      label: 'circuit open', stroke: '#d43f3a', fill: 'rgba(212, 63, 58, 0.25)', stepped: true, scale: 'open',
      value: (p) => p.circuitOpen,
    }];
    const axes = [{scale: 'open', label: 'circuit open', range: [0, 1]}];
    if (state.view.redisLatency) {
      series.push({label: 'command p99 ms', stroke: '#2d6cdf', scale: 'ms', sparse: true, value: (p) => p.redisP99Ms});
      axes.push({scale: 'ms', label: 'command p99 ms'});
    }
    draw(section, 'redis', series, axes);
  }

  function drawWriteBehind(name) {
    const section = panel(`write-behind:${name}`, `write-behind ${name}`);
    const w = (p) => p.writeBehind[name];
    draw(section, `write-behind:${name}`, [
      {label: 'pending', stroke: '#8a56c2', scale: 'n', value: (p) => w(p) && w(p).pending},
      {label: 'flushed per s', stroke: '#2e9e44', scale: 'n', value: (p) => w(p) && w(p).flushed},
      {label: 'lag s', stroke: '#d43f3a', scale: 's', value: (p) => w(p) && w(p).lagSeconds},
    ], [{scale: 'n', label: 'entries, entries/s'}, {scale: 's', label: 'lag s'}]);
  }

  function drawRefreshAhead(name) {
    const section = panel(`refresh-ahead:${name}`, `refresh-ahead ${name}`);
    const triggers = new Set();
    state.points.forEach((p) => Object.keys(p.refreshAhead[name] || {}).forEach((t) => triggers.add(t)));
    draw(section, `refresh-ahead:${name}`, [...triggers].sort().map((trigger) => ({
      label: `${trigger} refreshes per s`, stroke: TRIGGER_COLOURS[trigger] || '#333', scale: 'rate',
      value: (p) => p.refreshAhead[name] && p.refreshAhead[name][trigger],
    })), [{scale: 'rate', label: 'per second'}]);
  }

  function render() {
    const view = state.view;
    document.getElementById('plot-window').textContent = Math.round(view.windowMillis / 60000);
    document.getElementById('plot-interval').textContent = view.intervalMillis / 1000;
    const wanted = new Set(['redis']);
    view.caches.forEach((c) => wanted.add(`cache:${c}`));
    view.writeBehind.forEach((w) => wanted.add(`write-behind:${w}`));
    view.refreshAhead.forEach((r) => wanted.add(`refresh-ahead:${r}`));
    // Panels of meters that went away (a restart without that example) are removed with their charts.
    for (const section of [...grid.querySelectorAll('[data-panel]')]) {
      if (!wanted.has(section.dataset.panel)) {
        Object.keys(state.charts).filter((k) => k.startsWith(section.dataset.panel)).forEach((k) => {
          state.charts[k].plot.destroy();
          delete state.charts[k];
          delete state.ticks[k];
        });
        section.remove();
      }
    }
    drawRedis();
    view.caches.forEach(drawCache);
    view.writeBehind.forEach(drawWriteBehind);
    view.refreshAhead.forEach(drawRefreshAhead);
  }

  async function fetchAndRender() {
    try {
      const response = await fetch(`/dashboard/series?since=${state.since}`);
      if (!response.ok) throw new Error(`GET /dashboard/series: ${response.status}`);
      const view = await response.json();
      state.view = view;
      const fresh = view.points.filter((p) => p.t > state.since);
      if (fresh.length) {
        state.points = state.points.concat(fresh);
        state.since = fresh[fresh.length - 1].t;
        const oldest = state.since - view.windowMillis;
        state.points = state.points.filter((p) => p.t > oldest);
      }
      render();
      state.updates++;
      state.lastError = null;
    } catch (e) {
      state.lastError = String(e);
    }
  }

  let inFlight = null;
  function update() {
    if (!inFlight) inFlight = fetchAndRender().finally(() => { inFlight = null; });
    return inFlight;
  }

  function poll() {
    update().then(() => setTimeout(poll, Math.max(1000, state.view ? state.view.intervalMillis : 2000)));
  }

  // Demos ask for a fresh look right after their run instead of waiting for the next poll.
  state.refresh = update;

  poll();
})();
