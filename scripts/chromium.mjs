// chromium.mjs: how the tests and the bench start Debian's Chromium (../shared/TOOLCHAIN.md).
// Without the networking flags it keeps trying to reach the closed network.

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
