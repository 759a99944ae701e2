// recurrent/app.js: the entry point of recurrent.html (shared/boot.js: URL options, hash sync,
// test hook).
//
// Iframe mode (docs/embed-recurrent.md): recurrent.html?embed=1&controls=minimal&autoplay=1#mode=seq&task=adding
// The query accepts only embed, controls and autoplay; anything else gets a notice.

import { bootPage } from '../shared/boot.js';
import { RecurrentPlayground } from './main.js';
import { parseState, serializeState } from './state.js';

bootPage({
  Page: RecurrentPlayground, hostId: 'recurrent', file: 'recurrent.html', parseState, serializeState,
  hooks: ['__recurrent'],
});
