/** The page as RudderStack's SDK describes it in `context.page` (and page properties); `{}` without a page. */
export function pageContext(win: Window | undefined): Record<string, string> {
  const loc = win?.location;
  if (!loc) return {};
  const doc = win?.document;
  return {
    path: loc.pathname,
    referrer: doc?.referrer ?? '',
    search: loc.search,
    title: doc?.title ?? '',
    url: loc.href,
    tab_url: loc.href,
  };
}
