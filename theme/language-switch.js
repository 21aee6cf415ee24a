// The language switch and the translated chrome of every page of the book,
// added to mdBook's theme with `output.html.additional-js` (book.toml).
//
// - The switch, in the menu bar, leads to the same page in every other
//   language of the site. The languages and where each one lives come from
//   `languages.js`, written at the root of every language by the site build
//   (booktools::site) from book.toml; nothing here lists them. Without that
//   file (a single-language `mdbook serve`) there is no switch.
// - The site build writes the chrome of mdBook's pages (titles, buttons,
//   search placeholder, keyboard help, 404 page) in each language from
//   `theme/chrome/<language>.json` (booktools::site::localize), so pages read
//   well without JavaScript. What mdBook's scripts write later is translated
//   here from the same data, which the build also writes as `chrome.js` at
//   the root of every language (`null` without that file: mdBook's English):
//   `titles` maps the English titles of the buttons book.js adds to code
//   blocks, `texts` the text it writes while the page is open, and `results`
//   formats the search result count: `none` for no result, else the plural
//   category of the count (`Intl.PluralRules`: `one`, `other`...), with
//   `{count}` and `{term}`; `searchResultTeaser` names the extract of each
//   result (searcher.js's `aria-label`).
(function () {
    "use strict";

    // The search result count as mdBook's searcher.js writes it.
    const ENGLISH_RESULTS = /^(?:(\d+) search results? for '(.*)':|No search results for '(.*)'\.)$/s;

    const pageLanguage = document.documentElement.lang || "";
    // `path_to_root` is a global of mdBook's page template.
    const pathToRoot = typeof path_to_root === "string" ? path_to_root : "";
    // The folder of this language's site (`""` would be the page itself).
    const languageRoot = new URL(pathToRoot || "./", document.baseURI);

    function setLabel(element, text) {
        if (element) {
            element.title = text;
            element.setAttribute("aria-label", text);
        }
    }

    // Button titles book.js writes in English once the page is loaded
    // (`titles`, English to translation: copy, show or hide hidden lines).
    // book.js toggles hidden lines by their English title, so a click gives
    // the button its English title back before book.js reads it.
    function translateTitles(titles) {
        const content = document.getElementById("mdbook-content");
        if (!content) {
            return;
        }
        const english = new WeakMap();
        const translate = (button) => {
            if (Object.hasOwn(titles, button.title)) {
                english.set(button, button.title);
                setLabel(button, titles[button.title]);
            }
        };
        content.querySelectorAll("button[title]").forEach(translate);
        new MutationObserver((mutations) => {
            for (const mutation of mutations) {
                if (mutation.type === "attributes") {
                    translate(mutation.target);
                }
                for (const node of mutation.addedNodes) {
                    if (node.nodeType === Node.ELEMENT_NODE) {
                        node.querySelectorAll("button[title]").forEach(translate);
                    }
                }
            }
        }).observe(content, {
            subtree: true,
            childList: true,
            attributes: true,
            attributeFilter: ["title"],
        });
        content.addEventListener("click", (event) => {
            const button = event.target.closest("button");
            if (button && english.has(button)) {
                button.title = english.get(button);
            }
        }, true);
    }

    function resultCount(forms, count, term) {
        const form = count === 0
            ? forms.none
            : forms[new Intl.PluralRules(pageLanguage).select(count)] ?? forms.other;
        return form.replaceAll("{count}", String(count)).replaceAll("{term}", term);
    }

    // Text mdBook's scripts write later: the search result count, the
    // clipboard tooltips.
    function translateLiveText(strings) {
        const header = document.getElementById("mdbook-searchresults-header");
        const translateHeader = () => {
            const match = ENGLISH_RESULTS.exec(header.textContent);
            if (match) {
                const count = match[1] === undefined ? 0 : Number(match[1]);
                header.textContent = resultCount(strings.results, count, match[2] ?? match[3]);
            }
        };
        if (header) {
            new MutationObserver(translateHeader).observe(header, {
                childList: true,
                characterData: true,
                subtree: true,
            });
        }
        const results = document.getElementById("mdbook-searchresults");
        if (results && strings.searchResultTeaser) {
            new MutationObserver(() => {
                for (const teaser of results.querySelectorAll(".teaser[aria-label]")) {
                    teaser.setAttribute("aria-label", strings.searchResultTeaser);
                }
            }).observe(results, { childList: true });
        }
        const translateTexts = (mutations) => {
            for (const mutation of mutations) {
                for (const node of mutation.addedNodes) {
                    const text = node.nodeType === Node.TEXT_NODE ? node.nodeValue : null;
                    if (text !== null && Object.hasOwn(strings.texts, text)) {
                        node.nodeValue = strings.texts[text];
                    }
                }
            }
        };
        const content = document.getElementById("mdbook-content");
        if (content) {
            new MutationObserver(translateTexts).observe(content, {
                childList: true,
                subtree: true,
            });
        }
    }

    // The name of a language, in that language.
    function languageName(code) {
        try {
            const name = new Intl.DisplayNames([code], { type: "language" }).of(code);
            return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
        } catch (_) {
            return code;
        }
    }

    // The same page in `target` (an entry of the manifest).
    function samePageIn(manifest, current, target) {
        const depth = current.path.split("/").filter(Boolean).length;
        const siteRoot = new URL("../".repeat(depth), languageRoot);
        const rootPath = languageRoot.pathname;
        const page = location.pathname.startsWith(rootPath)
            ? location.pathname.slice(rootPath.length)
            : "";
        return new URL(target.path + page, siteRoot).href;
    }

    const GLOBE = '<svg class="language-switch-icon" viewBox="0 0 16 16" aria-hidden="true">' +
        '<g fill="none" stroke="currentColor" stroke-width="1.2">' +
        '<circle cx="8" cy="8" r="6.4"/><ellipse cx="8" cy="8" rx="2.7" ry="6.4"/>' +
        '<path d="M1.6 8h12.8M2.6 4.8h10.8M2.6 11.2h10.8"/></g></svg>';

    function addSwitch(manifest, chrome) {
        if (!manifest || !Array.isArray(manifest.languages) || manifest.languages.length < 2) {
            return;
        }
        const current = manifest.languages.find((entry) => entry.code === pageLanguage);
        const bar = document.querySelector("#mdbook-menu-bar .right-buttons");
        if (!current || !bar) {
            return;
        }
        const title = (chrome ?? {}).switchTitle ?? "Read this page in another language";
        const container = document.createElement("div");
        container.className = "language-switch";
        const toggle = document.createElement("button");
        toggle.id = "language-switch-toggle";
        toggle.className = "icon-button";
        toggle.type = "button";
        toggle.setAttribute("aria-haspopup", "true");
        toggle.setAttribute("aria-expanded", "false");
        toggle.setAttribute("aria-controls", "language-switch-list");
        toggle.title = title;
        toggle.innerHTML = GLOBE;
        const code = document.createElement("span");
        code.className = "language-switch-code";
        code.textContent = current.code.toUpperCase();
        toggle.appendChild(code);
        // The accessible name starts with the visible text (WCAG 2.5.3).
        toggle.setAttribute("aria-label", code.textContent + " – " + title);
        const list = document.createElement("ul");
        list.id = "language-switch-list";
        list.className = "theme-popup language-switch-list";
        list.setAttribute("role", "menu");
        list.setAttribute("aria-label", title);
        for (const entry of manifest.languages) {
            const item = document.createElement("li");
            item.setAttribute("role", "none");
            const link = document.createElement("a");
            link.setAttribute("role", "menuitem");
            link.className = "theme";
            link.id = "language-switch-" + entry.code;
            link.lang = entry.code;
            link.hreflang = entry.code;
            link.href = samePageIn(manifest, current, entry);
            link.textContent = languageName(entry.code);
            if (entry === current) {
                link.classList.add("theme-selected");
                link.setAttribute("aria-current", "page");
            }
            item.appendChild(link);
            list.appendChild(item);
        }
        container.appendChild(toggle);
        container.appendChild(list);
        bar.insertBefore(container, bar.firstChild);

        const show = (visible) => {
            list.style.display = visible ? "block" : "none";
            toggle.setAttribute("aria-expanded", String(visible));
        };
        toggle.addEventListener("click", (event) => {
            event.stopPropagation();
            show(list.style.display !== "block");
            if (list.style.display === "block") {
                list.querySelector("a:not(.theme-selected)")?.focus();
            }
        });
        document.addEventListener("click", (event) => {
            if (!container.contains(event.target)) {
                show(false);
            }
        });
        container.addEventListener("keydown", (event) => {
            if (event.key === "Escape") {
                show(false);
                toggle.focus();
                event.stopPropagation();
            }
        });
    }

    // Loads a script of this language's root that sets `window[name]`,
    // then calls `then` with that value (undefined when it is missing: a
    // single-language `mdbook serve`). A script, not `fetch`, so that the
    // site also works from `file://`.
    function loadGlobal(file, name, then) {
        if (window[name] !== undefined) {
            then(window[name]);
            return;
        }
        const script = document.createElement("script");
        script.src = new URL(file, languageRoot).href;
        script.onload = () => then(window[name]);
        script.onerror = () => then(undefined);
        document.head.appendChild(script);
    }

    loadGlobal("chrome.js", "bookChrome", (chrome) => {
        if (chrome) {
            translateTitles(chrome.titles);
            translateLiveText(chrome);
        }
        loadGlobal("languages.js", "bookLanguages", (manifest) => addSwitch(manifest, chrome));
    });
})();
