/*
 * DL Paths: download the search index only when the reader starts to search.
 *
 * Material fetches search/search_index.json with XMLHttpRequest as soon as a page opens. On this
 * site that file is only the manifest of the split index (every section's title and address; the
 * worker fetches the rest per query), but readers who never search need none of it. This script
 * (loaded in <head>, before Material's bundle) holds that one request back until the reader shows
 * intent: focusing or clicking the search box, pressing one of Material's search keys (f, s, /), or opening a
 * page with ?q= in its address. Material shows "正在初始化搜索引擎" meanwhile and runs the
 * query as soon as the index arrives.
 */
(function () {
  "use strict";

  var INDEX = /\/search\/search_index\.json(\?|$)/;
  var SEARCH_KEYS = { f: true, s: true, "/": true };
  var originalOpen = XMLHttpRequest.prototype.open;
  var originalSend = XMLHttpRequest.prototype.send;
  var held = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (request) {
      originalSend.apply(request.xhr, request.args);
    });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.dlSearchIndex = INDEX.test(String(url));
    return originalOpen.apply(this, arguments);
  };

  XMLHttpRequest.prototype.send = function () {
    if (this.dlSearchIndex && !released) {
      held.push({ xhr: this, args: arguments });
      return undefined;
    }
    return originalSend.apply(this, arguments);
  };

  function isSearchElement(node) {
    return Boolean(node && node.closest && node.closest(".md-search, label[for='__search'], [data-md-toggle='search']"));
  }

  document.addEventListener("focusin", function (event) {
    if (isSearchElement(event.target)) release();
  }, true);
  document.addEventListener("pointerdown", function (event) {
    if (isSearchElement(event.target)) release();
  }, true);
  document.addEventListener("keydown", function (event) {
    var typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (SEARCH_KEYS[event.key] && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) release();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) release();
  }, true);
  if (/[?&]q=/.test(location.search)) release();
})();
