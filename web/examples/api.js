// api.js: the example of docs/embed.md "Scripting": every call of the element's API, and a log
// of its events (ready, statechange, epoch, error).
const el = document.getElementById('pg');
const log = document.getElementById('log');
let saved = null;

function write(text) {
  const line = document.createElement('div');
  line.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  log.append(line);
  while (log.childElementCount > 200) log.firstElementChild.remove();
  log.scrollTop = log.scrollHeight;
}
const fmt = (v) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);

el.addEventListener('ready', () => write(`ready: dataset=${el.state.dataset}, hidden=${el.state.hidden}`));
el.addEventListener('statechange', (e) => write(`statechange: act=${e.detail.state.act}, lr=${e.detail.state.lr}`));
el.addEventListener('error', (e) => write(`error: ${e.detail.message}`));
let lastLogged = 0;
el.addEventListener('epoch', (e) => {
  // epoch fires once per drawn frame while training; the log shows one line every half second
  if (performance.now() - lastLogged < 500) return;
  lastLogged = performance.now();
  const d = e.detail;
  write(`epoch ${d.epoch}: train loss ${fmt(d.trainLoss)}, test loss ${fmt(d.testLoss)}, test accuracy ${fmt(d.testAccuracy)}`);
});

const calls = {
  play: () => el.play(),
  pause: () => el.pause(),
  step: async () => { await el.step(10); write(`step(10) done: epoch ${el.snapshot().epoch}`); },
  reset: async () => { await el.reset(); write('reset() done'); },
  relu: async () => write(`setState → ${await el.setState({ act: 'relu', lr: 0.1 })}`),
  bad: async () => write(`setState → ${await el.setState({ lr: 'fast' })}`),
  export: async () => { saved = await el.exportModel(); write(`exportModel(): ${saved.length} characters of JSON`); },
  load: async () => write(saved ? `loadModel → ${await el.loadModel(saved)}` : 'export a model first'),
  snapshot: () => write(`snapshot(): ${JSON.stringify(el.snapshot(), (k, v) => fmt(v))}`),
};
for (const b of document.querySelectorAll('[data-call]')) {
  b.addEventListener('click', () => calls[b.dataset.call]());
}
