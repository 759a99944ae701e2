// report_embed.mjs: the part of the bench table about the embedded element on the built site
// (bench/embed.mjs): its section and its row of the targets table.

const ms = (x) => `${x.toFixed(0)} ms`;
const range = (r) => `${ms(r.median)} (${r.min.toFixed(0)}–${r.max.toFixed(0)})`;

/** Why there is no figure, or null when there is one. */
function missing(embed) {
  if (!embed) return 'not run';
  if (embed.failed) return `failed: ${embed.failed}`;
  if (embed.errors && embed.errors.embed) return `**blocked**: ${embed.errors.embed}`;
  const r = embed.results && embed.results.embed_first_frame;
  return r && Number.isFinite(r.median) ? null : 'not measured';
}

/** The section "Embedded element: time to first drawn boundary (built site)". */
export function embedReport({ P, embed }) {
  P('## Embedded element: time to first drawn boundary (built site), headless Chromium');
  P();
  const why = missing(embed);
  if (why) {
    P(`Not measured: ${why}.`);
    P();
    return;
  }
  const r = embed.results.embed_first_frame;
  const d = embed.info && embed.info.embed_defined;
  P('A minimal page beside the built site (`<script type="module" src="embed.js">` and `<backprop-playground dataset="xor" hidden="4,4">`), ' +
    'served by `scripts/serve.mjs --site` on 127.0.0.1; every load in a new browser context (cold cache). ' +
    `Median of ${r.samples.length} loads (min–max in brackets), from navigation start to \`testHook.ready\` (the first drawn frame, boundary included).`);
  P();
  P('| figure | measured | target |');
  P('|---|---|---|');
  P(`| navigation start → first drawn boundary | ${range(r)} | ≤ 500 ms |`);
  if (d) P(`| navigation start → element defined (embed.js and the playground code loaded) | ${range(d)} | |`);
  if (embed.info && embed.info.bytesFirstLoad) {
    P(`| downloaded by one load (Content-Length, page and worker) | ${(embed.info.bytesFirstLoad / 1024).toFixed(0)} KB in ${embed.info.requestsFirstLoad} requests | |`);
  }
  P();
  P(`Site: ${embed.site}, v-${embed.hash}.${embed.consoleErrors ? ` Console errors: ${embed.consoleErrors.join(' | ')}` : ''}`);
  P();
}

/** The row of the targets table. */
export function embedTargetRow(embed, verdict) {
  const why = missing(embed);
  const r = !why && embed.results.embed_first_frame;
  return `| embedded element on the built site: first drawn boundary | ≤ 500 ms | ${why || range(r)} | ${verdict(why ? null : r.median <= 500)} |`;
}
