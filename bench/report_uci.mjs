// report_uci.mjs: the part of the bench table about the UCI 8×8 MLP accuracy (bench/uci.mjs):
// its section and its row of the targets table.

const pct = (x) => `${(100 * x).toFixed(2)} %`;

/** { runs, mean, min, max }, or null when not measured. */
function figures(uci) {
  const r = uci && uci.results && uci.results.uci_mlp_accuracy;
  return r && uci.info && Array.isArray(uci.info.runs) ? { ...uci.info, min: r.min, max: r.max } : null;
}

/** The section "UCI 8×8 digits: MLP test accuracy". */
export function uciReport({ P, uci }) {
  const r = figures(uci);
  P('## UCI 8×8 digits: MLP test accuracy (issue 13)');
  P();
  if (!r) {
    P(`Not measured: ${uci ? (uci.failed || JSON.stringify(uci.errors)) : 'not run'}.`);
    P();
    return;
  }
  P(`64-128-64-10 ReLU MLP, Adam 1e-3, batch 32, ${uci.epochs} epochs (${uci.steps} steps) on the core's 80/20 split of the 1,797 digits; ` +
    'data and weight seeds 1..5, natively (the page computes the same bits in wasm). ' +
    'Reference (../shared/data/README.md): the same network in PyTorch 1.13 on random 80/20 splits, 97.7 % on average over 5 seeds.');
  P();
  P(`| seed | ${r.runs.map((x) => x.seed).join(' | ')} | mean |`);
  P(`|---|${r.runs.map(() => '---|').join('')}---|`);
  P(`| test accuracy (359 digits) | ${r.runs.map((x) => pct(x.accuracy)).join(' | ')} | **${pct(r.mean)}** |`);
  P();
}

/** The row of the targets table. */
export function uciTargetRow(uci, verdict) {
  const r = figures(uci);
  return `| UCI 8×8 MLP test accuracy, mean of 5 seeds | ≥ 97.5 % | ${r ? `${pct(r.mean)} (${pct(r.min)}–${pct(r.max)})` : 'not measured'} | ${verdict(r ? r.mean >= uci.target : null)} |`;
}
