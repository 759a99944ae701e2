// The digits page's views in one import (each is its own module; see /work/notes/digits-views.md
// and the header comment of each file for what update() takes and which callbacks it calls).
export { FiltersView } from './filters-view.js';
export { FeatureMapsView } from './feature-maps-view.js';
export { ConvExplainView } from './conv-explain-view.js';
export { ConvBackwardPanel } from './conv-backward-panel.js';
export { PoolRoutingPanel } from './pool-routing-panel.js';
export { CodeScatterView } from './code-scatter-view.js';
export { ReconstructionView } from './reconstruction-view.js';
export { InterpolationStrip } from './interpolation-strip.js';
export { PcaBaselineView, nonlinearitySentence } from './pca-baseline-view.js';
export { ScatterPlot } from './scatter-plot.js';
