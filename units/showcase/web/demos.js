// The demo buttons of the page at /: one per demo GET /demo lists (the examples present contribute them);
// without demo.enabled the list answers 404 and the section says how to switch them on.
'use strict';

(() => {
  const list = document.getElementById('demo-list');
  const hint = document.getElementById('demos-hint');

  function describe(run) {
    return `${run.summary} (${run.durationMillis} ms)`;
  }

  async function runDemo(demo, button, output) {
    button.disabled = true;
    output.classList.remove('problem');
    output.textContent = 'running…';
    try {
      const response = await fetch(`/demo/${encodeURIComponent(demo.id)}`, {method: 'POST'});
      const body = await response.json();
      if (response.ok) {
        output.textContent = describe(body);
        output.dataset.figures = JSON.stringify(body.figures);
      } else {
        output.classList.add('problem');
        output.textContent = body.detail || `${response.status}`;
      }
    } catch (e) {
      output.classList.add('problem');
      output.textContent = String(e);
    } finally {
      button.disabled = false;
      if (window.cachePatterns && window.cachePatterns.refresh) window.cachePatterns.refresh();
    }
  }

  async function load() {
    const response = await fetch('/demo');
    if (response.status === 404) {
      hint.innerHTML = 'Demos are off on this instance: they run only with <code>demo.enabled=true</code> ' +
        '(on in dev mode, <code>DEMO_ENABLED=true</code> for a packaged app).';
      return;
    }
    const demos = await response.json();
    if (!demos.length) {
      hint.textContent = 'No demos: the examples that bring them were removed.';
    }
    for (const demo of demos) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.demo = demo.id;
      button.textContent = demo.title;
      button.title = `${demo.description} (size ${demo.defaultSize}, at most ${demo.maxSize})`;
      const output = document.createElement('output');
      output.dataset.demoResult = demo.id;
      output.textContent = demo.description;
      button.addEventListener('click', () => runDemo(demo, button, output));
      item.append(button, output);
      list.appendChild(item);
    }
  }

  load().catch((e) => { hint.textContent = `Demos unavailable: ${e}`; });
})();
