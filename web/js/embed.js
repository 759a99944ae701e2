// Old path of the <backprop-playground> element, kept so existing embeds keep working: load web/js/playground/embed.js (docs/embed.md).
export * from './playground/embed.js';
