// digits/app.js: the entry point of digits.html, one bootPage() call of the page kit
// (shared/boot.js): the page options from the query (embed, controls, autoplay), the settings
// from the hash, the hash kept in step with the state, and the test hook on window.__digits.

import { bootPage } from '../shared/boot.js';
import { DigitsPage } from './main.js';
import { parseState, serializeState } from './state.js';

bootPage({ Page: DigitsPage, hostId: 'digits', file: 'digits.html', parseState, serializeState, hooks: ['__digits'] });
