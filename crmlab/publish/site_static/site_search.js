/* crmlab static site: search the lesson text with the index built at site build time
 * (window.crmlabSearchIndex, static/search-<lang>.js). No server, no network. */
(function () {
  "use strict";
  function norm(s) { return s.toLocaleLowerCase(); }

  function search(query) {
    var terms = norm(query).split(/\s+/).filter(function (t) { return t.length > 1; });
    if (!terms.length) { return []; }
    var hits = [];
    (window.crmlabSearchIndex || []).forEach(function (entry) {
      var title = norm(entry.title), text = norm(entry.text), score = 0;
      for (var i = 0; i < terms.length; i += 1) {
        var inTitle = title.indexOf(terms[i]) >= 0, inText = text.indexOf(terms[i]) >= 0;
        if (!inTitle && !inText) { return; }
        score += (inTitle ? 3 : 0) + (inText ? 1 : 0);
      }
      hits.push({ entry: entry, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    return hits.slice(0, 12).map(function (h) { return h.entry; });
  }

  function snippet(text, query) {
    var at = norm(text).indexOf(norm(query.trim().split(/\s+/)[0]));
    var start = Math.max(0, at - 60);
    return (start ? "…" : "") + text.slice(start, start + 160) + "…";
  }

  function init() {
    var box = document.getElementById("crmlab-search-box");
    var list = document.getElementById("crmlab-search-results");
    if (!box || !list) { return; }
    box.addEventListener("input", function () {
      list.textContent = "";
      search(box.value).forEach(function (entry) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = entry.page + (entry.anchor ? "#" + entry.anchor : "");
        a.textContent = entry.title;
        var p = document.createElement("p");
        p.textContent = snippet(entry.text, box.value);
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { box.value = ""; list.textContent = ""; }
    });
  }

  window.crmlabSearch = search;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
