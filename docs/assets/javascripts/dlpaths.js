/* DL Paths: learning progress without login.
 *
 * Progress lives in localStorage as {version: 1, done: {slug: "YYYY-MM-DD"}}. Everything the
 * page shows about progress (done buttons, prerequisite ticks, percentages, 继续学习 links,
 * the path map) is drawn from that one record, on every page Material's instant navigation
 * swaps in. Export/import move the record between browsers as a JSON file.
 */
(function () {
  "use strict";

  var STORAGE_KEY = "dlpaths:progress";
  var VERSION = 1;
  var data = readSiteData();

  function readSiteData() {
    var node = document.getElementById("dl-data");
    try {
      return node ? JSON.parse(node.textContent) : null;
    } catch (error) {
      return null;
    }
  }

  function emptyProgress() {
    return { version: VERSION, done: {} };
  }

  function load() {
    try {
      var parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (parsed && parsed.version === VERSION && parsed.done && typeof parsed.done === "object") {
        return parsed;
      }
    } catch (error) {
      /* unreadable storage: start fresh rather than break the page */
    }
    return emptyProgress();
  }

  function save(progress) {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(progress));
      return true;
    } catch (error) {
      return false;
    }
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  function pathStats(path, progress) {
    var done = path.steps.filter(function (slug) { return progress.done[slug]; }).length;
    var next = path.steps.find(function (slug) { return !progress.done[slug]; }) || null;
    return {
      done: done,
      total: path.steps.length,
      percent: path.steps.length ? Math.round((100 * done) / path.steps.length) : 0,
      next: next
    };
  }

  function render() {
    if (!data) return;
    var progress = load();

    document.querySelectorAll("[data-dl-toggle]").forEach(function (button) {
      var isDone = Boolean(progress.done[button.getAttribute("data-dl-toggle")]);
      button.setAttribute("aria-pressed", String(isDone));
      button.classList.toggle("dl-done-toggle--done", isDone);
      button.textContent = isDone ? "✓ 已完成（点击撤销）" : "标记为已完成";
    });

    document.querySelectorAll("[data-dl-topic]").forEach(function (node) {
      var isDone = Boolean(progress.done[node.getAttribute("data-dl-topic")]);
      node.classList.toggle("dl-done", isDone);
      var state = node.querySelector("[data-dl-state]");
      if (state) state.textContent = isDone ? "✓ 已完成" : "";
    });

    data.paths.forEach(function (path) {
      var stats = pathStats(path, progress);
      document.querySelectorAll('[data-dl-percent="' + path.id + '"]').forEach(function (node) {
        node.textContent = String(stats.percent);
      });
      document.querySelectorAll('[data-dl-count="' + path.id + '"]').forEach(function (node) {
        node.textContent = String(stats.done);
      });
      document.querySelectorAll('[data-dl-progress="' + path.id + '"]').forEach(function (bar) {
        bar.setAttribute("aria-valuenow", String(stats.percent));
        var fill = bar.querySelector(".dl-progress__fill");
        if (fill) fill.style.width = stats.percent + "%";
      });
      document.querySelectorAll('[data-dl-continue="' + path.id + '"]').forEach(function (link) {
        var base = link.getAttribute("data-dl-base") || "";
        if (stats.next) {
          var topic = data.topics[stats.next];
          link.href = base + topic.url;
          link.textContent = (stats.done ? "继续学习：" : "从第 1 步开始：") + topic.title;
        } else {
          link.href = base + path.url;
          link.textContent = "已全部完成，回顾" + path.title;
        }
      });
    });
  }

  function toggle(slug) {
    var progress = load();
    if (progress.done[slug]) {
      delete progress.done[slug];
    } else {
      progress.done[slug] = today();
    }
    save(progress);
    render();
  }

  function say(message, isError) {
    document.querySelectorAll("[data-dl-message]").forEach(function (node) {
      node.textContent = message;
      node.classList.toggle("dl-message--error", Boolean(isError));
    });
  }

  function exportProgress() {
    var progress = load();
    var blob = new Blob([JSON.stringify(progress, null, 2) + "\n"], { type: "application/json" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "dlpaths-progress-" + today() + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    say("已导出 " + Object.keys(progress.done).length + " 个已完成主题。");
  }

  /* Returns an error message, or null when `value` is a valid export of this site. */
  function validateImport(value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) {
      return "文件内容不是一个 JSON 对象。";
    }
    if (value.version !== VERSION) {
      return "不支持的版本：version 应为 " + VERSION + "，文件里是 " + JSON.stringify(value.version) + "。";
    }
    if (!value.done || typeof value.done !== "object" || Array.isArray(value.done)) {
      return "缺少 done 字段，或它不是“主题 → 完成日期”的对象。";
    }
    var unknown = Object.keys(value.done).filter(function (slug) { return !data.topics[slug]; });
    if (unknown.length) {
      return "文件中有本站没有的主题：" + unknown.join("、") + "。";
    }
    var badDates = Object.keys(value.done).filter(function (slug) {
      return !/^\d{4}-\d{2}-\d{2}$/.test(String(value.done[slug]));
    });
    if (badDates.length) {
      return "这些主题的完成日期不是 YYYY-MM-DD 格式：" + badDates.join("、") + "。";
    }
    return null;
  }

  function importProgress(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var parsed;
      try {
        parsed = JSON.parse(String(reader.result));
      } catch (error) {
        say("导入失败：" + file.name + " 不是有效的 JSON（" + error.message + "）。进度没有任何改变。", true);
        return;
      }
      var problem = validateImport(parsed);
      if (problem) {
        say("导入失败：" + problem + "进度没有任何改变。", true);
        return;
      }
      var progress = load();
      var added = 0;
      Object.keys(parsed.done).forEach(function (slug) {
        if (!progress.done[slug]) added += 1;
        progress.done[slug] = progress.done[slug] || parsed.done[slug];
      });
      save(progress);
      render();
      say("导入成功：新增 " + added + " 个已完成主题，共 " + Object.keys(progress.done).length + " 个。");
    };
    reader.onerror = function () {
      say("导入失败：无法读取 " + file.name + "。进度没有任何改变。", true);
    };
    reader.readAsText(file);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-dl-toggle], [data-dl-export], [data-dl-import-button], [data-dl-reset]");
    if (!target) return;
    if (target.hasAttribute("data-dl-toggle")) {
      toggle(target.getAttribute("data-dl-toggle"));
    } else if (target.hasAttribute("data-dl-export")) {
      exportProgress();
    } else if (target.hasAttribute("data-dl-import-button")) {
      var input = document.querySelector("[data-dl-import]");
      if (input) input.click();
    } else if (target.hasAttribute("data-dl-reset")) {
      if (window.confirm("确定清空全部学习进度吗？此操作无法撤销（可以先导出备份）。")) {
        save(emptyProgress());
        render();
        say("进度已清空。");
      }
    }
  });

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-dl-import]") || !input.files || !input.files[0]) return;
    importProgress(input.files[0]);
    input.value = "";
  });

  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY) render();
  });

  // Material gives its loading bar and search panel an ARIA role but no name; screen readers
  // (and Lighthouse) need one. Both live outside the content, so this runs once.
  function nameMaterialWidgets() {
    var names = { progress: "页面加载进度", search: "搜索" };
    Object.keys(names).forEach(function (component) {
      var node = document.querySelector('[data-md-component="' + component + '"][role]');
      if (node && !node.hasAttribute("aria-label")) node.setAttribute("aria-label", names[component]);
    });
  }
  nameMaterialWidgets();

  // A notebook arrives inside <template data-dl-notebook-body>: parsed, but not styled or laid out
  // while the page opens (it is thousands of elements, which kept phones busy). It goes into the page
  // when the browser is idle, or at once when the address points into it or the reader prints.
  function showNotebooks() {
    document.querySelectorAll("template[data-dl-notebook-body]").forEach(function (template) {
      template.replaceWith(template.content);
    });
  }

  function targetInsideNotebook() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) return null;
    var templates = document.querySelectorAll("template[data-dl-notebook-body]");
    for (var i = 0; i < templates.length; i++) {
      if (templates[i].content.getElementById(id)) return id;
    }
    return null;
  }

  // Returns whether the address pointed into a notebook (which is then shown and scrolled to).
  function showNotebookTarget() {
    var id = targetInsideNotebook();
    if (!id) return false;
    showNotebooks();
    document.getElementById(id).scrollIntoView();
    return true;
  }

  function showNotebooksSoon() {
    if (showNotebookTarget()) return;
    if ("requestIdleCallback" in window) {
      window.requestIdleCallback(showNotebooks, { timeout: 1500 });
    } else {
      window.setTimeout(showNotebooks, 200);
    }
  }

  window.addEventListener("hashchange", showNotebookTarget);
  window.addEventListener("beforeprint", showNotebooks);

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(render);
    window.document$.subscribe(showNotebooksSoon);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
    document.addEventListener("DOMContentLoaded", showNotebooksSoon);
  } else {
    render();
    showNotebooksSoon();
  }

  window.dlpaths = { load: load, validateImport: validateImport, render: render };
})();
