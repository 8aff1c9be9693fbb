/* Search with Pagefind's JS API. The index is in shards (p2f_web.search): /pagefind/shards.json
 * lists, per language, the shard folders with pages in it. The first is opened and the others
 * merged into it (mergeIndex: one pagefind.js and one WebAssembly for all), each marked with a
 * "shard" filter. Pagefind ignores a word of the query that an index does not hold at all, so
 * a shard lacking a word another shard holds must not answer (one index would have required
 * the word): the words are looked up first and such shards filtered out.
 * Our own form and result list (rather than Pagefind UI) keep labels and live status accessible.
 */
const form = document.querySelector("[data-search]");
const status = document.querySelector("[data-search-status]");
const results = document.querySelector("[data-search-results]");
const messages = {
  fr: ["résultat(s) pour", "Recherche indisponible pour le moment."],
  en: ["result(s) for", "Search is unavailable for now."],
  de: ["Ergebnis(se) für", "Die Suche ist derzeit nicht verfügbar."],
  es: ["resultado(s) para", "La búsqueda no está disponible por ahora."],
}[document.documentElement.lang] || ["result(s) for", "Search is unavailable for now."];

let opening = null; // the promise of openShards(), made once

/* Pagefind with every shard of this page's language merged, on the page's thread (the shards
 * carry no web worker). */
async function openShards() {
  const lang = document.documentElement.lang;
  const response = await fetch("/pagefind/shards.json");
  if (!response.ok) throw new Error(`shards.json: ${response.status}`);
  const shards = (await response.json()).languages[lang] || [];
  if (!shards.length) return null;
  const pagefind = await import(`${shards[0]}pagefind.js`);
  await pagefind.options({ basePath: shards[0], noWorker: true, mergeFilter: { shard: shards[0] } });
  await Promise.all(shards.slice(1).map((path) =>
    pagefind.mergeIndex(path, { language: lang, mergeFilter: { shard: path } })));
  return pagefind;
}

/* The results of ``query``, best first, as one index would give them. Pagefind splits a
 * query on spaces; a quoted phrase already needs all its words in every shard. */
async function searchShards(pagefind, query) {
  const words = query.includes('"') ? [] : query.split(/\s+/).filter(Boolean);
  let filters = {};
  if (words.length > 1) {
    const holding = await Promise.all(words.map(async (word) =>
      Object.entries((await pagefind.search(word)).filters.shard || {})
        .filter(([, count]) => count > 0).map(([shard]) => shard)));
    const shards = Object.keys((await pagefind.filters()).shard || {});
    const answering = shards.filter((shard) =>
      holding.every((held) => !held.length || held.includes(shard)));
    if (answering.length < shards.length) filters = { shard: { any: answering } };
    if (!answering.length) return [];
  }
  return (await pagefind.search(query, { filters })).results;
}

/* Pagefind's excerpt is HTML meant to hold text and <mark>. It is parsed in an inert document
 * (nothing loads or runs there) and only its text and <mark> elements are copied, so a page
 * whose text looks like markup can never add elements to this one. */
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(html, "text/html").body;
  const out = [];
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.push(mark);
    } else {
      out.push(document.createTextNode(node.textContent));
    }
  }
  return out;
}

async function run(query) {
  results.textContent = "";
  if (!query) { status.textContent = ""; return; }
  try {
    opening = opening || openShards().catch((error) => { opening = null; throw error; });
    const pagefind = await opening;
    const found = pagefind ? await searchShards(pagefind, query) : [];
    const data = await Promise.all(found.slice(0, 20).map((r) => r.data()));
    for (const page of data) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = page.url;
      a.textContent = page.meta.title || page.url;
      const p = document.createElement("p");
      p.append(...excerptNodes(page.excerpt));
      li.append(a, p);
      results.append(li);
    }
    status.textContent = `${found.length} ${messages[0]} « ${query} »`;
  } catch (error) {
    status.textContent = messages[1];
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = form.q.value.trim();
  history.replaceState(null, "", query ? `?q=${encodeURIComponent(query)}` : location.pathname);
  run(query);
});
const initial = new URLSearchParams(location.search).get("q");
if (initial) { form.q.value = initial; run(initial); }
