// shared/site.js: where the site's pages are, seen from the page code. In the development tree
// the code sits in web/js/ and the pages in web/; the built site (scripts/build-site.mjs) puts
// the code one folder deeper, in a versioned folder beside the pages, and rewrites the one line
// marked below. Share links, an element's "open the full page" link and the lessons find the
// pages through pageURL(), so they work at a site's root and under any subpath.

const ROOT_FROM_HERE = '../../'; // site-root: rewritten by scripts/build-site.mjs

/** The folder holding index.html, recurrent.html and digits.html. */
export const SITE_ROOT = new URL(ROOT_FROM_HERE, import.meta.url);

/** The absolute URL of one of the site's pages ('index.html', 'recurrent.html', ...). */
export function pageURL(file) {
  return new URL(file, SITE_ROOT).href;
}
