// Search in the language of the page: the browser side of
// booktools::site::search, which rebuilt this language's index with the
// analysis of `theme/search/<language>.toml`. The site build puts this file
// at the start of the language's `searchindex.js`, then the vendored
// Snowball stemmer (lunr-languages) and a call of `bookSearch.install` with
// the language's data; mdBook's searcher.js loads that file when the reader
// opens the search bar and finds the analysis registered when it loads the
// index. Every step mirrors the Rust side (the browser test compares both on
// every word of the book):
//
// - the query is cut at anything but a letter, a digit, a mark, `_` or an
//   apostrophe, and lower-cased (elasticlunr's tokenizer, given our
//   separator);
// - each token is composed (NFC), its apostrophes made ', trimmed of them,
//   stripped of an elided word (`d'`), dropped if a stop word, stemmed, then
//   folded (NFKD without marks, plus the language's `folding`).
//
// Two more things use the same analysis: the teaser of each result
// (searcher.js emphasises the words whose `elasticlunr.stemmer` starts with
// a query term's, so that function becomes the analysis), and the words the
// target page highlights (`?highlight=` of each result link, which mdBook
// marks with mark.js): the forms of the page's own text whose analysis
// matches the query (`démarrez` for `demarrer`), so that inflected forms are
// highlighted too.
(function () {
    "use strict";

    // The Snowball stemmers of lunr-languages register themselves on the
    // global `lunr` (which elasticlunr.js also defines, as itself): they get
    // a host with what they call at load time, and `install` puts the
    // global back.
    const previousLunr = window.lunr;
    const host = {
        version: "1",
        Pipeline: { registerFunction() {} },
        generateStopWordFilter() {
            return () => undefined;
        },
    };
    window.lunr = host;

    const SEPARATOR = /[^\p{Alphabetic}\p{N}\p{M}_'’]+/u;
    const porter = elasticlunr.stemmer;

    function tokenize(text) {
        return String(text).toLowerCase().split(SEPARATOR).filter((token) => token !== "");
    }

    function install(data) {
        window.lunr = previousLunr;
        const elisions = new Set(data.elisions);
        const stopWords = new Set(data.stopWords);
        // Porter's stemmer (English) stems words written in ASCII, as on
        // the Rust side, where its port differs beyond ASCII.
        const stem = data.snowball === null
            ? (text) => (/^[\x00-\x7f]*$/.test(text) ? porter(text) : text)
            : host[data.snowball].stemmer;

        const fold = (word) => {
            let folded = word.normalize("NFKD").replace(/\p{M}/gu, "");
            for (const [from, to] of data.folding) {
                folded = folded.replaceAll(from, to);
            }
            return folded;
        };

        // The word as the text writes it, lower-cased: trimmed of
        // apostrophes and of an elided word.
        const word = (token) => {
            const text = token.toLowerCase().normalize("NFC").replaceAll("’", "'");
            const trimmed = text.replace(/^'+|'+$/g, "");
            const at = trimmed.indexOf("'");
            if (at > 0 && at < trimmed.length - 1 && elisions.has(trimmed.slice(0, at))) {
                return trimmed.slice(at + 1).replace(/^'+|'+$/g, "");
            }
            return trimmed;
        };

        // One token as the index holds it; undefined when dropped. The
        // teasers and the highlighted words analyse every word of the
        // results, again at each key: each token is analysed once.
        const analysed = [new Map(), new Map()];
        const analyzeToken = (token, keepStopWords) => {
            const cache = analysed[keepStopWords ? 1 : 0];
            if (!cache.has(token)) {
                cache.set(token, analyzeUncached(token, keepStopWords));
            }
            return cache.get(token);
        };
        const analyzeUncached = (token, keepStopWords) => {
            const text = word(token);
            if (text === "" || (!keepStopWords && stopWords.has(fold(text)))) {
                return undefined;
            }
            const stemmed = stem(text);
            if (stemmed === undefined || stemmed === null) {
                return undefined;
            }
            const folded = fold(stemmed);
            return folded === "" ? undefined : folded;
        };

        const analyze = (text) =>
            tokenize(text).map((token) => analyzeToken(token, false)).filter((t) => t !== undefined);

        elasticlunr.tokenizer.setSeperator(SEPARATOR);
        elasticlunr.Pipeline.registerFunction((token) => analyzeToken(token, false), data.label);
        // searcher.js's teaser compares `elasticlunr.stemmer` of each word
        // of a result with that of each query word.
        elasticlunr.stemmer = (text) => {
            const first = tokenize(text)[0];
            return (first !== undefined && analyzeToken(first, true)) || text;
        };

        window.bookSearch.analyze = analyze;
        window.bookSearch.language = data.language;
        highlightForms(analyze, (token) => [word(token), analyzeToken(token, false)]);
    }

    // Rewrites the `?highlight=` of every result link: the forms of the
    // linked page's text whose analysis starts with a query term's, as
    // elasticlunr matches them (`expand`).
    function highlightForms(analyze, wordAndTerm) {
        const results = document.getElementById("mdbook-searchresults");
        const searchbar = document.getElementById("mdbook-searchbar");
        if (!results || !searchbar) {
            return;
        }
        const MAX_WORDS = 20;
        const root = typeof path_to_root === "string" ? path_to_root : "";
        let pages = null;
        // The [word, term] pairs of each page, from the index's documents.
        const pageWords = (page) => {
            if (pages === null) {
                pages = new Map();
                const docs = window.search.index.documentStore.docs;
                window.search.doc_urls.forEach((url, ref) => {
                    const key = url.split("#")[0];
                    const doc = docs[String(ref)] || {};
                    const list = pages.get(key) || [];
                    for (const token of tokenize((doc.title || "") + " " + (doc.body || ""))) {
                        list.push(wordAndTerm(token));
                    }
                    pages.set(key, list);
                });
            }
            return pages.get(page) || [];
        };
        const rewrite = () => {
            const terms = analyze(searchbar.value);
            if (terms.length === 0) {
                return;
            }
            for (const link of results.querySelectorAll("a[href*='highlight=']")) {
                const href = link.getAttribute("href");
                const page = href.slice(root.length).split("?")[0];
                const words = new Set();
                for (const [text, term] of pageWords(page)) {
                    if (words.size < MAX_WORDS && term !== undefined
                        && terms.some((wanted) => term.startsWith(wanted))) {
                        words.add(text);
                    }
                }
                if (words.size > 0) {
                    // As searcher.js encodes it (it splits the words at spaces).
                    const encoded = encodeURIComponent([...words].join(" ")).replace(/'/g, "%27");
                    link.setAttribute("href", href.replace(/([?&]highlight=)[^&#]*/, "$1" + encoded));
                }
            }
        };
        new MutationObserver(rewrite).observe(results, { childList: true });
    }

    window.bookSearch = { install, tokenize };
})();
