// app.js: the entry point of index.html (shared/boot.js: URL options, hash sync, test hook).
//
// Iframe mode: index.html?embed=1&controls=minimal&autoplay=1#dataset=xor&hidden=4,4
// The query accepts only embed, controls and autoplay; everything else is ignored (docs/embed.md).

import { bootPage } from '../shared/boot.js';
import { Playground } from './main.js';
import { parseState, serializeState } from './state.js';

bootPage({
  Page: Playground, hostId: 'playground', file: 'index.html', parseState, serializeState,
  hooks: ['backpropPlayground', '__playground'],
});
