/* Search with Pagefind's JS API. The index is in shards (p2f_web.search): /pagefind/shards.json
 * lists, per language, the shard folders with pages in it. Each shard is opened as its own
 * Pagefind instance and searched, and the results are put together as one index would give
 * them: Pagefind ignores a word of the query that its index does not hold at all, so a shard
 * lacking a word that another shard holds must not answer (one index would have required it).
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

/* One Pagefind per shard of this page's language. Each is the shard's own pagefind.js (its
 * own module: Pagefind keeps its WebAssembly in module state, so two indexes opened from one
 * module clobber each other), run on the page's thread (a web worker per shard would cost
 * more than a search of a shard). */
async function openShards() {
  const lang = document.documentElement.lang;
  const response = await fetch("/pagefind/shards.json");
  if (!response.ok) throw new Error(`shards.json: ${response.status}`);
  const shards = (await response.json()).languages[lang] || [];
  return Promise.all(shards.map(async (basePath) => {
    const shard = await import(`${basePath}pagefind.js`);
    await shard.options({ basePath, noWorker: true });
    await shard.init();
    return shard;
  }));
}

/* The results of ``query`` over all shards, best first. A word (Pagefind splits the query on
 * spaces; quoted phrases already need every word) held by some shard rules out the shards
 * that do not hold it. */
async function searchShards(shards, query) {
  const found = await Promise.all(shards.map((shard) => shard.search(query)));
  const words = query.includes('"') ? [] : query.split(/\s+/).filter(Boolean);
  if (words.length > 1) {
    const holds = await Promise.all(shards.map((shard) => Promise.all(
      words.map((word) => shard.search(word).then((r) => r.unfilteredResultCount > 0)))));
    const somewhere = words.map((_, w) => holds.some((shard) => shard[w]));
    found.forEach((answer, s) => {
      if (somewhere.some((held, w) => held && !holds[s][w])) answer.results = [];
    });
  }
  return found.flatMap((answer) => answer.results).sort((a, b) => b.score - a.score);
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
    const found = await searchShards(await opening, query);
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
