// node_util.mjs: command-line plumbing shared by the Node benchmark scripts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** --quick (or BENCH_QUICK=1), --repeats N and --out FILE; other arguments are returned in `args`. */
export function cliOptions(argv = process.argv.slice(2)) {
  const o = { quick: process.env.BENCH_QUICK === '1', out: null, repeats: 0, args: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') o.quick = true;
    else if (argv[i] === '--out') o.out = argv[++i];
    else if (argv[i] === '--repeats') o.repeats = Number(argv[++i]);
    else o.args.push(argv[i]);
  }
  return o;
}

/** Writes one system's result as JSON (to `out`, or stdout), with Node version and load. */
export function writeResult(out, obj) {
  const full = { node: process.version, date: new Date().toISOString(), loadavg: os.loadavg(), ...obj };
  const text = JSON.stringify(full, null, 1);
  if (out) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, text);
  } else {
    console.log(text);
  }
}
