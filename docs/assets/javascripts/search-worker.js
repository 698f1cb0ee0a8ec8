/*
 * DL Paths search worker.
 *
 * Material's search UI talks to a web worker through four messages (setup, ready, query,
 * result) and lets a site bring its own worker. This one searches the split index that
 * scripts/dlpaths/searchindex.py writes, so a search downloads only the shards of the words it
 * contains and the text of the results it shows, not the whole site's text.
 *
 * Tokenizing, shard choice and ranking must match searchindex.py (terms, shard_of, rank); the
 * browser tests compare the two. In the copy read from disk every shard and text is inline
 * in the manifest, since file:// pages cannot fetch.
 */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var TOKEN = new RegExp("[" + HAN + "]+|[0-9a-z\u00e0-\u00ff\u03b1-\u03c9]+", "g");
  var IS_HAN = new RegExp("^[" + HAN + "]");
  var IN_TEXT = 1, OFTEN_IN_TEXT = 2, IN_TITLE = 4;
  var FORMAT = 1;
  var PAGES_WITH_TEXT = 10;      // result pages whose sections get a text excerpt
  var SECTIONS_WITH_TEXT = 1;    // per page: Material shows the best section; the others are folded away
  var EXCERPT_BEFORE = 30;       // characters shown before the first match
  var EXCERPT_LENGTH = 140;

  var engine = null;
  var latestQuery = 0;

  function setup(index) {
    var settings = index.config && index.config.dlpaths;
    if (!settings || settings.format !== FORMAT) {
      throw new Error("DL Paths search: search/search_index.json is not a split index of format " + FORMAT +
        "; rebuild the site with `dlpaths build`");
    }
    var inline = settings.inline || null;
    var docs = expandDocs(index.docs);
    engine = {
      docs: docs,
      byLocation: new Map(docs.map(function (doc, number) { return [doc.location, number]; })),
      shardCount: settings.shards,
      version: settings.version,
      inline: inline,
      base: inline ? null : new URL("../../search/", self.location.href),
      shards: new Map(),
      texts: new Map()
    };
  }

  // Rows of [location, title]; "#anchor" is on the row before's page; [] repeats the row before
  // (a later piece of a long section).
  function expandDocs(rows) {
    var page = "", docs = [];
    rows.forEach(function (row) {
      var doc;
      if (row.length === 0) {
        doc = { location: docs[docs.length - 1].location, title: docs[docs.length - 1].title };
      } else {
        doc = { location: row[0].charAt(0) === "#" ? page + row[0] : row[0], title: row[1] };
      }
      page = doc.location.split("#")[0];
      docs.push(doc);
    });
    return docs;
  }

  function fetched(path, read) {
    var url = new URL(path + "?v=" + engine.version, engine.base);
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error("DL Paths search: " + url + " answered " + response.status);
      return read(response);
    });
  }

  // Each file is fetched once per page view (or read from the inline copy offline).
  var FILES = {
    shards: { path: "shards/", suffix: ".json", read: function (response) { return response.json(); } },
    texts: { path: "text/", suffix: ".txt", read: function (response) { return response.text(); } }
  };

  function load(kind, number) {
    var cache = engine[kind];
    if (!cache.has(number)) {
      var file = FILES[kind];
      cache.set(number, engine.inline
        ? Promise.resolve(engine.inline[kind][number])
        : fetched(file.path + number + file.suffix, file.read));
    }
    return cache.get(number);
  }

  function loadShard(number) {
    return load("shards", number);
  }

  function loadText(number) {
    return load("texts", number);
  }

  function isHan(term) {
    return IS_HAN.test(term);
  }

  function shardOf(term) {
    var key = isHan(term) ? term.charAt(0) : term.slice(0, 2);
    var value = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      value = Math.imul(value ^ key.charCodeAt(i), 0x01000193) >>> 0;
    }
    return value % engine.shardCount;
  }

  function queryUnits(query) {
    var seen = [];
    (query.toLowerCase().match(TOKEN) || []).forEach(function (unit) {
      if (seen.indexOf(unit) < 0) seen.push(unit);
    });
    return seen;
  }

  function pairs(run) {
    var found = [];
    for (var i = 0; i + 1 < run.length; i++) found.push(run.slice(i, i + 2));
    return found;
  }

  // Alternatives per required part: a Chinese run needs all its pairs; a word, any word it begins.
  function unitTerms(unit, shard) {
    var keys = Object.keys(shard);
    if (isHan(unit)) {
      if (unit.length === 1) {
        return [keys.filter(function (term) { return term.charAt(0) === unit && isHan(term); })];
      }
      return pairs(unit).map(function (pair) { return [pair]; });
    }
    if (unit.length === 1) return [[unit]];
    return [keys.filter(function (term) { return term.lastIndexOf(unit, 0) === 0; })];
  }

  function shardsFor(units) {
    var numbers = [];
    units.forEach(function (unit) {
      var terms = isHan(unit) && unit.length > 1 ? pairs(unit) : [unit];
      terms.forEach(function (term) {
        var number = shardOf(term);
        if (numbers.indexOf(number) < 0) numbers.push(number);
      });
    });
    return numbers;
  }

  function decode(gaps) {
    var entries = new Map(), value = 0;
    gaps.forEach(function (gap) {
      value += gap;
      entries.set(Math.floor(value / 8), value % 8);
    });
    return entries;
  }

  function weight(flags) {
    return (flags & IN_TEXT ? 1 : 0) + (flags & OFTEN_IN_TEXT ? 1 : 0) + (flags & IN_TITLE ? 6 : 0);
  }

  // The same arithmetic, in the same order, as searchindex.rank.
  function rank(query, units, shards) {
    var sectionCount = engine.docs.length;
    var wanted = query.trim().toLowerCase();
    var scores = new Map(), matched = new Map();
    units.forEach(function (unit, unitNumber) {
      var unitScores = null;
      unitTerms(unit, shards.get(shardOf(unit))).forEach(function (alternatives) {
        var part = new Map();
        alternatives.forEach(function (term) {
          var gaps = shards.get(shardOf(term))[term];
          if (!gaps) return;
          var entries = decode(gaps);
          var idf = Math.log(1 + sectionCount / entries.size);
          entries.forEach(function (flags, number) {
            part.set(number, Math.max(part.has(number) ? part.get(number) : 0, idf * weight(flags)));
          });
        });
        if (unitScores === null) {
          unitScores = part;
        } else {
          var both = new Map();
          unitScores.forEach(function (score, number) {
            if (part.has(number)) both.set(number, score + part.get(number));
          });
          unitScores = both;
        }
      });
      (unitScores || new Map()).forEach(function (score, number) {
        scores.set(number, (scores.get(number) || 0) + score);
        if (!matched.has(number)) matched.set(number, units.map(function () { return false; }));
        matched.get(number)[unitNumber] = true;
      });
    });
    var ranked = [];
    scores.forEach(function (score, number) {
      var location = engine.docs[number].location;
      var article = location.indexOf("#") < 0;
      var exact = engine.docs[number].title.toLowerCase() === wanted;  // named exactly what was typed
      ranked.push({
        number: number,
        location: location,
        score: score * (article ? 2 : 1) * (exact ? 3 : 1),
        matched: matched.get(number),
        found: matched.get(number).filter(Boolean).length
      });
    });
    // Sections with every word of the query first, then by score; a long section once, by its best piece
    ranked.sort(function (a, b) {
      return b.found - a.found || b.score - a.score ||
        (a.location < b.location ? -1 : a.location > b.location ? 1 : 0) || a.number - b.number;
    });
    var seen = new Set();
    return ranked.filter(function (hit) {
      if (seen.has(hit.location)) return false;
      seen.add(hit.location);
      return true;
    });
  }

  function escapeHTML(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function excerpt(text, units) {
    if (!text) return "";
    var lower = text.toLowerCase();
    var first = -1;
    units.forEach(function (unit) {
      var at = lower.indexOf(unit);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    });
    var start = Math.max(0, first - EXCERPT_BEFORE);
    var end = Math.min(text.length, start + EXCERPT_LENGTH);
    var shown = text.slice(start, end);
    var pattern = new RegExp(units.slice().sort(function (a, b) { return b.length - a.length; })
      .map(escapeRegExp).join("|"), "gi");
    var html = "", last = 0, match;
    while ((match = pattern.exec(shown)) !== null) {
      if (match[0] === "") { pattern.lastIndex++; continue; }
      html += escapeHTML(shown.slice(last, match.index)) + "<mark>" + escapeHTML(match[0]) + "</mark>";
      last = match.index + match[0].length;
    }
    html += escapeHTML(shown.slice(last));
    return "<p>" + (start > 0 ? "…" : "") + html + (end < text.length ? "…" : "") + "</p>";
  }

  function item(number, score, units, matched) {
    var doc = engine.docs[number];
    var terms = {};
    units.forEach(function (unit, i) { terms[unit] = Boolean(matched && matched[i]); });
    return { location: doc.location, title: escapeHTML(doc.title), text: "", score: score, terms: terms, number: number };
  }

  // Material shows one entry per page: the page itself, then its matching sections.
  function groupByPage(ranked, units) {
    var pages = new Map();
    ranked.forEach(function (hit) {
      var page = hit.location.split("#")[0];
      if (!pages.has(page)) pages.set(page, []);
      pages.get(page).push(item(hit.number, hit.score, units, hit.matched));
    });
    pages.forEach(function (items, page) {
      var hasPage = items.some(function (entry) { return entry.location === page; });
      if (!hasPage && engine.byLocation.has(page)) items.push(item(engine.byLocation.get(page), 0, units, null));
    });
    return Array.from(pages.values());
  }

  function addExcerpts(groups, units) {
    var waiting = [];
    groups.slice(0, PAGES_WITH_TEXT).forEach(function (items) {
      items.filter(function (entry) { return entry.score > 0; }).slice(0, SECTIONS_WITH_TEXT).forEach(function (entry) {
        waiting.push(loadText(entry.number).then(function (text) { entry.text = excerpt(text, units); }));
      });
    });
    return Promise.all(waiting).then(function () {
      groups.forEach(function (items) { items.forEach(function (entry) { delete entry.number; }); });
      return { items: groups };
    });
  }

  function search(query) {
    var units = queryUnits(query);
    if (!units.length) return Promise.resolve({ items: [] });
    var numbers = shardsFor(units);
    return Promise.all(numbers.map(loadShard)).then(function (loaded) {
      var shards = new Map();
      numbers.forEach(function (number, i) { shards.set(number, loaded[i]); });
      return addExcerpts(groupByPage(rank(query, units, shards), units), units);
    });
  }

  self.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      setup(message.data);
      postMessage({ type: READY });
    } else if (message.type === QUERY) {
      var current = ++latestQuery;
      search(message.data).then(function (result) {
        if (current === latestQuery) postMessage({ type: RESULT, data: result });
      }, function (error) {
        if (current === latestQuery) postMessage({ type: RESULT, data: { items: [] } });
        throw error;
      });
    }
  });
})();
